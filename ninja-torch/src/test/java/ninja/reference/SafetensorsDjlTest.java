package ninja.reference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import ninja.data.Vocabulary;
import ninja.io.Checkpoint;
import ninja.model.Config;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import ninja.model.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An independent reader: DJL's NDList.decode reads our checkpoint as safetensors, same names, shapes and values. */
class SafetensorsDjlTest {

    @Test
    void djlReadsOurCheckpoint(@TempDir Path dir) throws Exception {
        Config cfg = Config.named("notebook").with(null, 24, null, null, null);
        Vocabulary vocab = Vocabulary.fromString(".abcdefghijklmnopqrstuvwxyz");
        TorchGenerator g = new TorchGenerator(2147483647L);
        Parameters p = Parameters.init(cfg, vocab.size(), g);
        Checkpoint ck = new Checkpoint(cfg, vocab, p, Tensor.full(0.25f, 1, 24), Tensor.full(3f, 1, 24), 7,
                Schedule.LECTURE, g.state());
        Path f = dir.resolve("ck.safetensors");
        ck.write(f);
        Map<String, Tensor> ours = new java.util.LinkedHashMap<>(p.byName());
        ours.put("bnmean_running", ck.runningMean());
        ours.put("bnstd_running", ck.runningStd());
        try (NDManager m = NDManager.newBaseManager()) {
            NDList list = NDList.decode(m, Files.readAllBytes(f));
            assertThat(list).hasSize(ours.size());
            for (NDArray a : list) {
                Tensor t = ours.get(a.getName());
                assertThat(t).as("tensor %s", a.getName()).isNotNull();
                assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(a.getShape().getShape()).isEqualTo(java.util.Arrays.stream(t.shape()).asLongStream().toArray());
                assertThat(java.util.Arrays.equals(a.toFloatArray(), t.data())).as(a.getName()).isTrue();
            }
        }
    }
}
