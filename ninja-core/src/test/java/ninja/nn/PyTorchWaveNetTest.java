package ninja.nn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import ninja.data.Batch;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.SequentialStep;
import ninja.rng.TorchGenerator;
import org.junit.jupiter.api.Test;

/**
 * The WaveNet against real PyTorch 1.13 running the part 5 notebook's own code (reference/wavenet/, files in
 * src/test/resources/ninja/reference/wavenet): the initial parameters bit for bit, the first batch, the step-0
 * gradients and the first 500 training losses to float32 rounding.
 */
class PyTorchWaveNetTest {
    static final String DIR = "/ninja/reference/wavenet/";

    static JsonNode json(String name) throws Exception {
        try (InputStream in = PyTorchWaveNetTest.class.getResourceAsStream(DIR + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    static String sha256(float[] values) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }

    @Test
    void initialParametersAreBitIdenticalToPyTorch() throws Exception {
        JsonNode init = json("init.json");
        for (String[] seed : new String[][] {{"42", "parameters"}, {"1337", "seed_1337"}}) {
            Sequential m = WaveNet.build(WaveNetConfig.NOTEBOOK, 27, new TorchGenerator(Long.parseLong(seed[0])));
            JsonNode ps = init.get(seed[1]).isArray() ? init.get(seed[1]) : init.get(seed[1]).get("parameters");
            List<Param> params = m.params();
            assertThat(ps.size()).isEqualTo(params.size());
            for (int i = 0; i < params.size(); i++) {
                assertThat(params.get(i).name()).isEqualTo(ps.get(i).get("name").asText());
                assertThat(sha256(params.get(i).value.data())).as("seed %s %s", seed[0], params.get(i).name())
                        .isEqualTo(ps.get(i).get("sha256").asText());
            }
        }
    }

    @Test
    void stepZeroBatchLossAndGradientsMatchPyTorch() throws Exception {
        JsonNode s0 = json("step0.json");
        TorchGenerator g = new TorchGenerator(42);
        Sequential m = WaveNet.build(WaveNetConfig.NOTEBOOK, 27, g);
        int[] ix = new int[32];
        g.randint(0, WaveNetTest.splits().train().size(), ix);
        for (int i = 0; i < 32; i++) {
            assertThat(ix[i]).isEqualTo(s0.get("ix").get(i).asInt());
        }
        g = new TorchGenerator(42);
        WaveNet.build(WaveNetConfig.NOTEBOOK, 27, g);
        Batch b = Batch.draw(WaveNetTest.splits().train(), 32, g);
        float loss = new SequentialStep(m, 32, 8).forwardBackward(b);
        float ref = Float.intBitsToFloat(Integer.parseUnsignedInt(s0.get("loss_f32").asText().substring(2), 16));
        assertThat(Math.abs(Float.floatToIntBits(loss) - Float.floatToIntBits(ref))).as("ulps").isLessThanOrEqualTo(2);

        float[] grads;
        try (InputStream in = getClass().getResourceAsStream(DIR + "step0_grads.f32")) {
            ByteBuffer bb = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            grads = new float[bb.remaining() / 4];
            bb.asFloatBuffer().get(grads);
        }
        List<String> bad = new ArrayList<>();
        for (JsonNode gj : s0.get("grads")) {
            Param p = m.params().stream().filter(q -> q.name().equals(gj.get("name").asText())).findFirst().orElseThrow();
            int off = gj.get("offset_floats").asInt();
            double max = 0;
            for (int i = 0; i < p.numel(); i++) {
                max = Math.max(max, Math.abs(grads[off + i]));
            }
            // two float32 computations summing in different orders: 1e-5 relative, plus 1e-6 of the tensor's
            // largest element for entries that are small by cancellation (about 8 float32 epsilons)
            for (int i = 0; i < p.numel(); i++) {
                double d = Math.abs(p.grad.data()[i] - grads[off + i]);
                if (!(d <= 1e-5 * Math.abs(grads[off + i]) + 1e-6 * max)) {
                    bad.add(p.name() + "[" + i + "] mine " + p.grad.data()[i] + " torch " + grads[off + i]);
                }
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void theFirstTrainingLossesTrackPyTorch() throws Exception {
        List<Float> torch = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream(DIR + "losses.txt")) {
            for (String line : new String(in.readAllBytes()).split("\n")) {
                if (!line.startsWith("#") && !line.isBlank() && torch.size() < 500) {
                    torch.add(Float.parseFloat(line.split(" ")[1]));
                }
            }
        }
        TorchGenerator g = new TorchGenerator(42);
        Sequential m = WaveNet.build(WaveNetConfig.NOTEBOOK, 27, g);
        SequentialStep step = new SequentialStep(m, 32, 8);
        Batch b = new Batch(new int[32 * 8], new int[32], 8);
        int[] ix = new int[32];
        double worst = 0;
        for (int i = 0; i < torch.size(); i++) {
            b.drawInto(WaveNetTest.splits().train(), g, ix);
            float loss = step.step(b, 0.1f);
            worst = Math.max(worst, Math.abs(loss - torch.get(i)));
        }
        // rounding differences grow slowly along the trajectory: 500 steps stay within 1e-5 of PyTorch's loss
        assertThat(worst).isLessThan(1e-5);
    }
}
