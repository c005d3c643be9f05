package ninja.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import ninja.io.Saved;
import ninja.io.WaveNetCheckpoint;
import ninja.rng.TorchGenerator;
import ninja.train.SequentialEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    @Mixin
    Output output;

    @Override
    public Integer call() {
        if (count < 0) {
            throw new Errors.UserError("-n must not be negative, got " + count);
        }
        Saved ck = Saved.read(checkpoint);
        TorchGenerator g = generator(ck);
        int block = ck.config().blockSize();
        if (output.json) {
            Json.print(output.out(), Map.of("names", SequentialEval.sample(ck.layers(), ck.vocab(), block, count, g)));
        } else {
            // printed as drawn, and stopped as soon as stdout fails (a full disk, or `| head` having read enough)
            SequentialEval.sample(ck.layers(), ck.vocab(), block, count, g, name -> {
                output.out().println(name);
                return !output.out().checkError();
            });
        }
        return Main.OK;
    }

    /**
     * The lecture samples from {@code torch.Generator().manual_seed(2147483647 + 10)}; the part 5 notebook goes on
     * with its default generator where training left it. --seed, given, replaces either.
     */
    private TorchGenerator generator(Saved ck) {
        if (ck instanceof WaveNetCheckpoint && !output.given("--seed")) {
            return ck.restoredGenerator();
        }
        return new TorchGenerator(seed);
    }
}
