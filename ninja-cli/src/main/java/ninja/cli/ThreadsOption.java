package ninja.cli;

import ninja.model.Config;
import ninja.model.ModelConfig;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.Layer;
import ninja.nn.Linear;
import ninja.nn.Sequential;
import ninja.nn.UnitSplitStep;
import ninja.rng.TorchGenerator;
import ninja.tensor.Parallel;
import picocli.CommandLine.Option;

/**
 * {@code --threads N}: how many threads a training step uses. The results are bit-identical with any number
 * ({@link Parallel}); the default is what is fastest for the shape: two for the MLP (its hidden units cut between the
 * threads), and for other models two from {@link Parallel#MIN_FLOPS_PER_STEP} matmul FLOPs a step on (the WaveNet).
 */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N",
            description = "threads for the training step (results are the same with any number); default: 2 where the machine has them (the MLP's hidden units cut between them; the WaveNet's batch), split only while that measures faster")
    Integer threads;

    /** The thread count for a step of this many FLOPs: --threads, else the default for the shape. */
    int resolve(double flopsPerStep) {
        if (threads != null && threads < 1) {
            throw new Errors.UserError("--threads must be at least 1, got " + threads);
        }
        return threads != null ? threads : Parallel.threadsFor(flopsPerStep);
    }

    /**
     * Splits the calling thread's matmuls for the rest of the try block (see {@link Parallel#onThisThread}); by
     * default adaptively: a matmul shape is split only while that measures faster (a busy machine's second core may
     * not pay).
     */
    Parallel open(ModelConfig c) {
        return Parallel.onThisThread(c instanceof WaveNetConfig w ? resolve(flops(w)) : resolve((Config) c), adaptive());
    }

    /**
     * The thread count for the MLP: --threads, else two (where the machine has them) whenever its hidden units can
     * be cut between the threads ({@link UnitSplitStep#cuts}), which measured faster at every size of {@code bench
     * --scaling} (1.10x-1.83x), the notebook's too; else by its FLOPs.
     */
    int resolve(Config c) {
        int byFlops = resolve(flops(c));
        return threads == null && UnitSplitStep.cuts(c.nHidden(), c.batchSize())
                ? Math.min(2, Runtime.getRuntime().availableProcessors()) : byFlops;
    }

    /** Whether the thread count is the default one, adapted to what pays at run time. */
    boolean adaptive() {
        return threads == null;
    }

    /** 6 n H (block*embd + vocab): the six matmuls of one MLP step (forward, and two in the backward, per Linear). */
    static double flops(Config c) {
        return flops(c, VOCAB);
    }

    /** The same for a vocabulary of {@code vocab} characters (the data's, once read). */
    static double flops(Config c, int vocab) {
        return 6.0 * c.batchSize() * c.nHidden() * (c.fanIn() + vocab);
    }

    static double flops(WaveNetConfig c) {
        return flops(WaveNet.build(c, VOCAB, new TorchGenerator(c.seed())), c.batchSize(), c.blockSize());
    }

    /** 6 x rows x fan_in x fan_out over the Linear layers: each matmul's multiply-adds, forward and two backward. */
    static double flops(Sequential model, int batch, int block) {
        double flops = 0;
        int[] shape = {batch, block};
        for (Layer l : model.layers()) {
            int[] out = l.outShape(shape);
            if (l instanceof Linear lin) {
                int rows = 1;
                for (int i = 0; i < out.length - 1; i++) {
                    rows *= out[i];
                }
                flops += 6.0 * rows * lin.fanIn() * lin.fanOut();
            }
            shape = out;
        }
        return flops;
    }

    /** names.txt's 27 characters: what the default thread count assumes before the data is read. */
    private static final int VOCAB = 27;
}
