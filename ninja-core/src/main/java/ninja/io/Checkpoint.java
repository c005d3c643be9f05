package ninja.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import ninja.data.Vocabulary;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.model.Schedule;
import ninja.nn.Sequential;
import ninja.tensor.Tensor;

/**
 * A training checkpoint in one safetensors file: everything eval, sample and resume need, and nothing else.
 *
 * <p>Tensors: C, W1, b1, W2, b2, bngain, bnbias, bnmean, bnstd (the statistics eval uses). After the end-of-training
 * calibration these are the whole-training-set statistics, and the running ones that training would continue from
 * are kept too, as bnmean_running and bnstd_running, so that resuming a finished run is bit for bit the same as
 * having trained longer in the first place. {@code __metadata__} (strings only, per the spec) holds the
 * configuration, the vocabulary, the step, the learning-rate schedule and the generator state.
 */
public record Checkpoint(Config config, Vocabulary vocab, Parameters params, Tensor runningMean, Tensor runningStd,
        int step, Schedule schedule, long[] generator) implements Saved {

    public static final String FORMAT = "backprop-ninja-checkpoint";
    public static final String VERSION = "1";

    /** The MLP as layers over these parameters ({@link Mlp#layers}): eval mode uses bnmean/bnstd. */
    @Override
    public Sequential layers() {
        return Mlp.layers(params);
    }

    /** Whether bnmean/bnstd are the calibrated statistics (and the running ones are stored separately). */
    public boolean calibrated() {
        return runningMean != null;
    }

    /** The parameters to continue training from: bnmean/bnstd replaced by the running statistics. */
    public Parameters forTraining() {
        Parameters p = params.copy();
        if (calibrated()) {
            System.arraycopy(runningMean.data(), 0, p.bnmean.data(), 0, runningMean.numel());
            System.arraycopy(runningStd.data(), 0, p.bnstd.data(), 0, runningStd.numel());
        }
        return p;
    }

    @Override
    public void write(Path path) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(params.byName());
        if (calibrated()) {
            tensors.put("bnmean_running", runningMean);
            tensors.put("bnstd_running", runningStd);
        }
        Safetensors.write(path, tensors, metadata());
    }

    private Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", VERSION);
        m.put("config", config.name());
        m.put("n_embd", Integer.toString(config.nEmbd()));
        m.put("n_hidden", Integer.toString(config.nHidden()));
        m.put("block_size", Integer.toString(config.blockSize()));
        m.put("batch_size", Integer.toString(config.batchSize()));
        m.put("seed", Long.toString(config.seed()));
        m.put("bn_init", config.bnInit().name().toLowerCase());
        m.put("vocabulary", vocab.chars());
        m.put("step", Integer.toString(step));
        m.put("lr", Float.toString(schedule.lr()));
        m.put("lr_final", Float.toString(schedule.lrFinal()));
        m.put("lr_decay_step", Integer.toString(schedule.decayStep()));
        m.put("bn_stats", calibrated() ? "calibrated" : "running");
        StringJoiner g = new StringJoiner(",");
        for (long w : generator) {
            g.add(Long.toString(w));
        }
        m.put("generator", g.toString());
        return m;
    }

    public static Checkpoint read(Path path) {
        return read(path, Safetensors.read(path));
    }

    static Checkpoint read(Path path, Safetensors.Contents c) {
        Map<String, String> m = c.metadata();
        checkFormat(path, m);
        Config cfg;
        Vocabulary vocab;
        Schedule schedule;
        try {
            String name = need(path, m, "config");
            if (!Config.NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown config \"" + name + "\" (this build knows "
                        + String.join(", ", Config.NAMES) + ")");
            }
            cfg = new Config(name, intOf(path, m, "n_embd"), intOf(path, m, "n_hidden"),
                    intOf(path, m, "block_size"), intOf(path, m, "batch_size"), Long.parseLong(need(path, m, "seed")),
                    Config.BnInit.valueOf(need(path, m, "bn_init").toUpperCase()));
            vocab = Vocabulary.fromString(need(path, m, "vocabulary"));
            schedule = new Schedule(Float.parseFloat(need(path, m, "lr")), Float.parseFloat(need(path, m, "lr_final")),
                    intOf(path, m, "lr_decay_step"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "bad metadata: " + e.getMessage());
        }
        int step = intOf(path, m, "step");
        if (step < 0) {
            throw new CheckpointException(path, "bad metadata: step " + step);
        }
        long[] gen = generator(path, need(path, m, "generator"));
        int v = vocab.size(), e = cfg.nEmbd(), h = cfg.nHidden();
        Map<String, Tensor> t = c.tensors();
        Parameters p = new Parameters(tensor(path, t, "C", v, e), tensor(path, t, "W1", cfg.fanIn(), h),
                tensor(path, t, "b1", h), tensor(path, t, "W2", h, v), tensor(path, t, "b2", v),
                tensor(path, t, "bngain", 1, h), tensor(path, t, "bnbias", 1, h), tensor(path, t, "bnmean", 1, h),
                tensor(path, t, "bnstd", 1, h));
        String stats = need(path, m, "bn_stats");
        Tensor rm = null;
        Tensor rs = null;
        if (stats.equals("calibrated")) {
            rm = tensor(path, t, "bnmean_running", 1, h);
            rs = tensor(path, t, "bnstd_running", 1, h);
        } else if (!stats.equals("running")) {
            throw new CheckpointException(path, "bad metadata: bn_stats \"" + stats + "\" (running or calibrated)");
        }
        int expected = 9 + (rm != null ? 2 : 0);
        if (t.size() != expected) {
            throw new CheckpointException(path, t.size() + " tensors, expected " + expected + ": " + t.keySet());
        }
        checkValues(path, t);
        return new Checkpoint(cfg, vocab, p, rm, rs, step, schedule, gen);
    }

    /** The file must be a backprop-ninja checkpoint of the format version this build reads. */
    static void checkFormat(Path path, Map<String, String> m) {
        if (!FORMAT.equals(m.get("format"))) {
            throw new CheckpointException(path, "a safetensors file, but not a backprop-ninja checkpoint (no \"format\": \""
                    + FORMAT + "\" in its metadata)");
        }
        if (!VERSION.equals(m.get("format_version"))) {
            throw new CheckpointException(path, "checkpoint format version " + m.get("format_version") + ", this build reads "
                    + VERSION);
        }
    }

    /**
     * A model with NaN or infinity inside evaluates to NaN and samples empty names; a standard deviation at or below
     * zero is not one. Refused on load, naming the tensor and the first bad element.
     */
    private static void checkValues(Path path, Map<String, Tensor> t) {
        for (var e : t.entrySet()) {
            float[] d = e.getValue().data();
            boolean std = e.getKey().startsWith("bnstd");
            for (int i = 0; i < d.length; i++) {
                if (!Float.isFinite(d[i])) {
                    throw new CheckpointException(path, "tensor " + e.getKey() + " holds " + d[i] + " at element " + i
                            + " (flat index): a diverged or damaged model");
                }
                if (std && d[i] <= 0) {
                    throw new CheckpointException(path, "tensor " + e.getKey() + " holds " + d[i] + " at element " + i
                            + ": a standard deviation must be positive");
                }
            }
        }
    }

    private static Tensor tensor(Path path, Map<String, Tensor> t, String name, int... shape) {
        Tensor x = t.get(name);
        if (x == null) {
            throw new CheckpointException(path, "missing tensor " + name);
        }
        if (!java.util.Arrays.equals(x.shape(), shape)) {
            throw new CheckpointException(path, "tensor " + name + " has shape " + x.shapeString() + " but the metadata says "
                    + Tensor.shapeString(shape));
        }
        return x;
    }

    static String need(Path path, Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new CheckpointException(path, "missing metadata \"" + key + "\"");
        }
        return v;
    }

    static int intOf(Path path, Map<String, String> m, String key) {
        String v = need(path, m, key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CheckpointException(path, "bad metadata: " + key + " is \"" + v + "\", not an integer");
        }
    }

    static long[] generator(Path path, String s) {
        String[] parts = s.split(",", -1);
        if (parts.length != 628) {
            throw new CheckpointException(path, "bad metadata: the generator state has " + parts.length
                    + " words, expected 628");
        }
        long[] out = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Long.parseLong(parts[i]);
            }
        } catch (NumberFormatException e) {
            throw new CheckpointException(path, "bad metadata: the generator state is not a list of integers");
        }
        return out;
    }
}
