package ninja.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.io.Safetensors;
import ninja.io.WaveNetCheckpoint;
import ninja.model.Batch;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.rng.TorchGenerator;
import ninja.train.SequentialEval;
import ninja.train.SequentialStep;
import picocli.CommandLine.ParseResult;

/** {@code --config wavenet} for init, eval and sample: makemore part 5's model, from the same commands. */
final class WaveNetCommands {
    private WaveNetCommands() {
    }

    static String describe(WaveNetConfig c) {
        return String.format("wavenet (n_embd %d, n_hidden %d, block %d, batch %d, seed %d)", c.nEmbd(), c.nHidden(),
                c.blockSize(), c.batchSize(), c.seed());
    }

    static Map<String, Object> configJson(WaveNetConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", WaveNetCheckpoint.CONFIG);
        m.put("n_embd", c.nEmbd());
        m.put("n_hidden", c.nHidden());
        m.put("block_size", c.blockSize());
        m.put("batch_size", c.batchSize());
        m.put("seed", c.seed());
        return m;
    }

    /** Whether a file is a wavenet checkpoint (anything unreadable is left to the MLP path to report). */
    static boolean isWaveNet(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            return WaveNetCheckpoint.isWaveNet(Safetensors.read(file));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code torch.manual_seed(42)}, the model, the first batch, the loss the notebook prints at step 0. */
    static int init(PrintWriter out, ModelOptions opts, boolean json) {
        WaveNetConfig cfg = opts.waveNetConfig();
        Splits s = Splits.of(opts.names(), cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential model = WaveNet.build(cfg, s.vocab().size(), g);
        Batch b = Batch.draw(s.train(), cfg.batchSize(), g);
        float loss = new SequentialStep(model, cfg.batchSize(), cfg.blockSize()).forwardBackward(b);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("loss", loss);
            m.put("parameters", model.count());
            m.put("config", configJson(cfg));
            Json.print(out, m);
        } else {
            out.printf("config      %s%n", describe(cfg));
            out.printf("model       %s%n", model.describe());
            out.printf("parameters  %,d%n", model.count());
            out.printf("loss        %.4f   (%s)%n", loss, Float.toString(loss));
        }
        return Main.OK;
    }

    /** A wavenet checkpoint, the model flags given agreeing with it. */
    static WaveNetCheckpoint load(Path file, ModelOptions opts, ParseResult parsed) {
        WaveNetCheckpoint ck = WaveNetCheckpoint.read(file);
        WaveNetConfig c = ck.config();
        CheckpointOptions.agree(file, parsed, "--config", opts.config, WaveNetCheckpoint.CONFIG);
        CheckpointOptions.agree(file, parsed, "--embd", opts.embd, c.nEmbd());
        CheckpointOptions.agree(file, parsed, "--hidden", opts.hidden, c.nHidden());
        CheckpointOptions.agree(file, parsed, "--block", opts.block, c.blockSize());
        CheckpointOptions.agree(file, parsed, "--batch", opts.batch, c.batchSize());
        CheckpointOptions.agree(file, parsed, "--seed", opts.seed, c.seed());
        return ck;
    }

    static Splits splits(Path file, WaveNetCheckpoint ck, Names names) {
        Splits s = Splits.of(names, ck.config().blockSize());
        ck.checkVocabulary(file, s.vocab(), names.source());
        return s;
    }

    /** The notebook's split_loss for train, val and test, batchnorm with its running statistics. */
    static int eval(PrintWriter out, Path file, ModelOptions opts, ParseResult parsed, boolean json) {
        WaveNetCheckpoint ck = load(file, opts, parsed);
        Splits s = splits(file, ck, opts.names());
        Map<String, Object> m = new LinkedHashMap<>();
        for (String split : new String[] {"train", "val", "test"}) {
            m.put(split, SequentialEval.loss(ck.model(), s.split(split)));
        }
        if (json) {
            Json.print(out, m);
        } else {
            m.forEach((k, v) -> out.printf("%-5s %.4f%n", k, (Double) v));
        }
        return Main.OK;
    }

    /** Samples as the notebook does: from its default generator where training left it, or a fresh one. */
    static int sample(PrintWriter out, Path file, int count, Long seed, boolean json) {
        WaveNetCheckpoint ck = WaveNetCheckpoint.read(file);
        TorchGenerator g = new TorchGenerator(ck.config().seed());
        if (seed == null) {
            g.setState(ck.generator());
        } else {
            g.manualSeed(seed);
        }
        if (json) {
            Json.print(out, Map.of("names", SequentialEval.sample(ck.model(), ck.vocab(), ck.config().blockSize(),
                    count, g)));
        } else {
            // printed as drawn, and stopped as soon as stdout fails (a full disk, or `| head` having read enough)
            SequentialEval.sample(ck.model(), ck.vocab(), ck.config().blockSize(), count, g, name -> {
                out.println(name);
                return !out.checkError();
            });
        }
        return Main.OK;
    }
}
