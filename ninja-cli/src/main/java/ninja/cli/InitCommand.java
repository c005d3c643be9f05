package ninja.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import ninja.data.Splits;
import ninja.lecture.Name;
import ninja.model.Config;
import ninja.model.Mlp;
import ninja.model.ModelConfig;
import ninja.model.Parameters;
import ninja.model.Start;
import ninja.model.WaveNetConfig;
import ninja.nn.Sequential;
import ninja.nn.SequentialStep;
import picocli.CommandLine.Command;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Initialise the parameters as the notebook does, draw its first batch, run the forward pass, print the loss.")
final class InitCommand extends ModelCommand {
    @Override
    public Integer call() {
        ModelConfig cfg = model.chosen();
        Splits s = model.splits();
        float loss;
        long count;
        String layers = null;
        if (cfg instanceof WaveNetConfig w) {
            // torch.manual_seed(42), the model, the first batch: the loss the part 5 notebook prints at step 0
            Start<Sequential> start = Start.wavenet(w, s);
            loss = new SequentialStep(start.model(), w.batchSize(), w.blockSize())
                    .forwardBackward(start.firstBatch(w.batchSize()));
            count = start.model().count();
            layers = start.model().describe();
        } else {
            // the lecture's chunked forward pass, every intermediate kept (the loss it prints before Exercise 1)
            Start<Parameters> start = Start.mlp((Config) cfg, s);
            loss = Mlp.forward(start.model(), start.firstBatch(cfg.batchSize())).get(Name.loss).item();
            count = start.model().count();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("parameters", count);
        m.put("config", cfg.summary());
        String modelLine = layers;
        output.print(m, out -> {
            out.printf("config      %s%n", cfg.describe());
            if (modelLine != null) {
                out.printf("model       %s%n", modelLine);
            }
            out.printf("parameters  %,d%n", count);
            out.printf("loss        %.4f   (%s)%n", loss, Float.toString(loss));
        });
        return Main.OK;
    }
}
