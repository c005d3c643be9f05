package ninja.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import ninja.data.Names;
import ninja.data.Splits;
import ninja.io.Saved;
import ninja.train.SequentialEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Print a checkpoint's train, val and test losses (the lecture's split_loss, batchnorm in eval mode).")
final class EvalCommand extends ModelCommand {
    @Parameters(paramLabel = "CHECKPOINT", description = "a checkpoint written by ninja train")
    Path checkpoint;

    @Override
    public Integer call() {
        Saved ck = model.load(checkpoint);
        Names names = model.names();
        Splits s = model.splits(checkpoint, ck, names);
        s.requireNonEmpty(names.source());
        MemoryCheck.forEvaluation(ck.config(), ck.vocab().size());
        Map<String, Object> m = new LinkedHashMap<>();
        for (String split : new String[] {"train", "val", "test"}) {
            m.put(split, SequentialEval.loss(ck.layers(), s.split(split)));
        }
        output.print(m, out -> m.forEach((k, v) -> out.printf("%-5s %.4f%n", k, (Double) v)));
        return Main.OK;
    }
}
