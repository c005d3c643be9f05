package ninja.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.io.Checkpoint;
import ninja.rng.TorchGenerator;
import ninja.train.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Sample names from a checkpoint, as the lecture does (softmax, torch.multinomial with its own generator).")
final class SampleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CHECKPOINT", description = "a checkpoint written by ninja train")
    Path checkpoint;

    @Option(names = {"-n", "--count"}, defaultValue = "20", description = "how many names (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--seed", defaultValue = "2147483657",
            description = "seed of the sampling generator (default ${DEFAULT-VALUE}, the lecture's 2147483647 + 10; a wavenet checkpoint continues its own generator, as the part 5 notebook does, unless --seed is given)")
    long seed;

    @Option(names = "--json", description = "print one JSON object {\"names\": [...]}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (count < 0) {
            throw new Errors.UserError("-n must not be negative, got " + count);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (WaveNetCommands.isWaveNet(checkpoint)) {
            boolean ownSeed = spec.commandLine().getParseResult().hasMatchedOption("--seed");
            return WaveNetCommands.sample(out, checkpoint, count, ownSeed ? seed : null, json);
        }
        Checkpoint ck = Checkpoint.read(checkpoint);
        Sampler sampler = new Sampler(ck.params(), ck.vocab());
        if (json) {
            Json.print(out, Map.of("names", sampler.sample(count, new TorchGenerator(seed))));
        } else {
            // printed as drawn, and stopped as soon as stdout fails (a full disk, or `| head` having read enough)
            sampler.sample(count, new TorchGenerator(seed), name -> {
                out.println(name);
                return !out.checkError();
            });
        }
        return Main.OK;
    }
}
