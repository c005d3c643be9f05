package ninja.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import ninja.data.Vocabulary;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Param;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;
import ninja.tensor.Tensor;
import ninja.model.Schedule;

/**
 * A WaveNet checkpoint in one safetensors file: every parameter and running statistic under its torch name
 * ({@code layers.0.weight}, {@code layers.3.running_mean}, ...), and in {@code __metadata__} the configuration, the
 * vocabulary, the step, the learning-rate schedule and the state of torch's default generator (which the notebook
 * keeps drawing from for batches and then for samples).
 */
public record WaveNetCheckpoint(WaveNetConfig config, Vocabulary vocab, Sequential model, int step, Schedule schedule,
        long[] generator) implements Saved {

    @Override
    public void write(Path path) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Param p : all(model)) {
            tensors.put(p.name(), p.value);
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", Checkpoint.FORMAT);
        m.put("format_version", Checkpoint.VERSION);
        m.put("config", WaveNetConfig.NAME);
        m.put("n_embd", Integer.toString(config.nEmbd()));
        m.put("n_hidden", Integer.toString(config.nHidden()));
        m.put("block_size", Integer.toString(config.blockSize()));
        m.put("batch_size", Integer.toString(config.batchSize()));
        m.put("seed", Long.toString(config.seed()));
        m.put("vocabulary", vocab.chars());
        m.put("step", Integer.toString(step));
        m.put("lr", Float.toString(schedule.lr()));
        m.put("lr_final", Float.toString(schedule.lrFinal()));
        m.put("lr_decay_step", Integer.toString(schedule.decayStep()));
        StringJoiner g = new StringJoiner(",");
        for (long w : generator) {
            g.add(Long.toString(w));
        }
        m.put("generator", g.toString());
        Safetensors.write(path, tensors, m);
    }

    /** The live model; its batchnorm layers run eval mode on their running statistics. */
    @Override
    public Sequential layers() {
        return model;
    }

    /** A copy whose tensors training no longer changes. */
    public WaveNetCheckpoint copy() {
        Sequential m = WaveNet.build(config, vocab.size(), new TorchGenerator(config.seed()));
        List<Param> to = all(m), from = all(model);
        for (int i = 0; i < to.size(); i++) {
            System.arraycopy(from.get(i).value.data(), 0, to.get(i).value.data(), 0, to.get(i).numel());
        }
        return new WaveNetCheckpoint(config, vocab, m, step, schedule, generator.clone());
    }

    /** Parameters, then running statistics, in layer order. */
    static List<Param> all(Sequential model) {
        List<Param> ps = new ArrayList<>(model.params());
        ps.addAll(model.buffers());
        return ps;
    }

    /** Whether the file's metadata names the WaveNet configuration (any other is the MLP's {@link Checkpoint}). */
    public static boolean isWaveNet(Safetensors.Contents c) {
        return WaveNetConfig.NAME.equals(c.metadata().get("config"));
    }

    public static WaveNetCheckpoint read(Path path) {
        return read(path, Safetensors.read(path));
    }

    public static WaveNetCheckpoint read(Path path, Safetensors.Contents c) {
        Map<String, String> m = c.metadata();
        Checkpoint.checkFormat(path, m);
        if (!isWaveNet(c)) {
            throw new CheckpointException(path, "not a wavenet checkpoint (config \"" + m.get("config") + "\")");
        }
        WaveNetConfig cfg;
        Vocabulary vocab;
        Schedule schedule;
        try {
            cfg = new WaveNetConfig(Checkpoint.intOf(path, m, "n_embd"), Checkpoint.intOf(path, m, "n_hidden"),
                    Checkpoint.intOf(path, m, "block_size"), Checkpoint.intOf(path, m, "batch_size"),
                    Long.parseLong(Checkpoint.need(path, m, "seed")));
            vocab = Vocabulary.fromString(Checkpoint.need(path, m, "vocabulary"));
            schedule = new Schedule(Float.parseFloat(Checkpoint.need(path, m, "lr")),
                    Float.parseFloat(Checkpoint.need(path, m, "lr_final")), Checkpoint.intOf(path, m, "lr_decay_step"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "bad metadata: " + e.getMessage());
        }
        int step = Checkpoint.intOf(path, m, "step");
        if (step < 0) {
            throw new CheckpointException(path, "bad metadata: step " + step);
        }
        long[] gen = Checkpoint.generator(path, Checkpoint.need(path, m, "generator"));
        // the layers as the configuration builds them, then every value replaced by the file's
        Sequential model = WaveNet.build(cfg, vocab.size(), new TorchGenerator(cfg.seed()));
        Map<String, Tensor> t = c.tensors();
        List<Param> ps = all(model);
        for (Param p : ps) {
            Tensor x = t.get(p.name());
            if (x == null) {
                throw new CheckpointException(path, "missing tensor " + p.name());
            }
            if (!x.sameShape(p.value)) {
                throw new CheckpointException(path, "tensor " + p.name() + " has shape " + x.shapeString()
                        + " but the metadata says " + p.value.shapeString());
            }
            float[] v = x.data();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new CheckpointException(path, "tensor " + p.name() + " holds " + v[i] + " at element " + i);
                }
            }
            if (p.name().endsWith(".running_var")) {
                for (int i = 0; i < v.length; i++) {
                    if (v[i] < 0) {
                        throw new CheckpointException(path, "tensor " + p.name() + " holds a negative variance " + v[i]
                                + " at element " + i);
                    }
                }
            }
            System.arraycopy(v, 0, p.value.data(), 0, v.length);
        }
        if (t.size() != ps.size()) {
            List<String> extra = new ArrayList<>(t.keySet());
            ps.forEach(p -> extra.remove(p.name()));
            throw new CheckpointException(path, t.size() + " tensors, expected " + ps.size() + "; unknown: " + extra);
        }
        return new WaveNetCheckpoint(cfg, vocab, model, step, schedule, gen);
    }
}
