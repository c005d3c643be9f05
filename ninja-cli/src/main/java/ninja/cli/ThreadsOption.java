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
 * ({@link Parallel}); the default is what is fastest for the shape: two from {@link Parallel#MIN_FLOPS_PER_STEP} matmul
 * FLOPs a step on (the WaveNet; the MLP from hidden 366 at batch 32 or batch 59 at hidden 200, its hidden units cut
 * between the threads), one below (the notebook's MLP), and two only while that measures faster.
 */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N",
            description = "threads for the training step (results are the same with any number); default: 2 where the machine has them and the step is big enough to gain (the WaveNet's batch cut between them; the MLP's hidden units from 4 MFLOP a step, e.g. hidden 366 at batch 32), split only while that measures faster; 1 for the notebook's MLP")
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
     * The thread count for the MLP: --threads, else by its FLOPs as for any model ({@link Parallel#threadsFor}): two
     * from 6 n H (block*embd + 27) >= 4e6 on (hidden 366 at batch 32, batch 59 at hidden 200), where its hidden units
     * are cut between the threads ({@link UnitSplitStep}). The notebook's step (2.2 MFLOP) stays on one: its
     * two-thread split had been the default, and eight whole default runs against {@code --threads 1} in a row
     * (session 11, README) each took longer, by 1-5 s, the split's spinning worker taking the core the JIT compiles on
     * in the first seconds and the val losses, which on one thread run beside the steps, running on the step's thread.
     */
    int resolve(Config c) {
        return resolve(flops(c));
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
