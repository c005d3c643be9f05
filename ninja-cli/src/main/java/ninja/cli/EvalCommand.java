package ninja.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.io.Checkpoint;
import ninja.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Print a checkpoint's train, val and test losses (the lecture's split_loss, batchnorm in eval mode).")
final class EvalCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CHECKPOINT", description = "a checkpoint written by ninja train")
    Path checkpoint;

    @Mixin
    ModelOptions model;

    @Option(names = "--json", description = "print one JSON object {\"train\",\"val\",\"test\"}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (WaveNetCommands.isWaveNet(checkpoint)) {
            return WaveNetCommands.eval(out, checkpoint, model, spec.commandLine().getParseResult(), json);
        }
        Checkpoint ck = CheckpointOptions.load(checkpoint, model, spec.commandLine().getParseResult());
        Names names = model.names();
        Splits s = CheckpointOptions.splits(checkpoint, ck, names);
        s.requireNonEmpty(names.source());
        MemoryCheck.forEvaluation(ck.config(), ck.vocab().size());
        Map<String, Object> m = new LinkedHashMap<>();
        for (String split : new String[] {"train", "val", "test"}) {
            m.put(split, Evaluation.loss(ck.params(), s.split(split)));
        }
        if (json) {
            Json.print(out, m);
        } else {
            m.forEach((k, v) -> out.printf("%-5s %.4f%n", k, (Double) v));
        }
        return Main.OK;
    }
}
