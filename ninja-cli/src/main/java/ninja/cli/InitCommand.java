package ninja.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.data.Splits;
import ninja.model.Activations;
import ninja.model.Batch;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.model.Parameters;
import ninja.rng.TorchGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Initialise the parameters as the notebook does, draw its first batch, run the chunked forward pass, print the loss.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Spec
    CommandSpec spec;

    static Map<String, Object> configJson(Config c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("n_embd", c.nEmbd());
        m.put("n_hidden", c.nHidden());
        m.put("block_size", c.blockSize());
        m.put("batch_size", c.batchSize());
        m.put("seed", c.seed());
        m.put("bn_init", c.bnInit().name().toLowerCase());
        return m;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (model.wavenet()) {
            return WaveNetCommands.init(out, model, json);
        }
        Config cfg = model.config();
        Splits s = Splits.of(model.names(), cfg.blockSize());
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Parameters p = Parameters.init(cfg, s.vocab().size(), g);
        Batch b = Batch.draw(s.train(), cfg.batchSize(), g);
        Activations a = Mlp.forward(p, b);
        float loss = a.loss.item();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("loss", loss);
            m.put("parameters", p.count());
            m.put("config", configJson(cfg));
            Json.print(out, m);
        } else {
            out.printf("config      %s (n_embd %d, n_hidden %d, block %d, batch %d, seed %d)%n", cfg.name(), cfg.nEmbd(),
                    cfg.nHidden(), cfg.blockSize(), cfg.batchSize(), cfg.seed());
            out.printf("parameters  %,d%n", p.count());
            out.printf("loss        %.4f   (%s)%n", loss, Float.toString(loss));
        }
        return Main.OK;
    }
}
