package ninja.nn;

import ninja.data.Batch;
import ninja.model.WaveNet;
import ninja.model.WaveNetConfig;
import ninja.nn.SequentialStep;
import ninja.rng.TorchGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class WaveNetSpeedProbe {
    @Test
    @EnabledIfSystemProperty(named = "ninja.probe", matches = "true")
    void probe() {
        WaveNetConfig cfg = WaveNetConfig.NOTEBOOK;
        TorchGenerator g = new TorchGenerator(cfg.seed());
        Sequential m = WaveNet.build(cfg, 27, g);
        SequentialStep step = new SequentialStep(m, 32, 8);
        Batch b = new Batch(new int[32 * 8], new int[32], 8);
        int[] ix = new int[32];
        var tr = WaveNetTest.splits().train();
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            float l = 0;
            for (int i = 0; i < 2000; i++) {
                b.drawInto(tr, g, ix);
                l = step.step(b, 0.1f);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("round %d: %.0f steps/s loss %.4f%n", round, 2000 / s, l);
        }
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long a0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 1000; i++) {
            b.drawInto(tr, g, ix);
            step.step(b, 0.1f);
        }
        long a1 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        System.out.printf("allocated %.1f bytes/step%n", (a1 - a0) / 1000.0);
        var plan = step.plan();
        ninja.tensor.Tensor x = ninja.tensor.Tensor.zeros(32, 8);
        for (int li = 0; li < m.layers().size(); li++) {
            Layer.Plan lp = plan.layer(li);
            ninja.tensor.Tensor in = li == 0 ? x : plan.layer(li - 1).out();
            ninja.tensor.Tensor out = lp.out();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3000; i++) {
                lp.forward(in, true);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 3000; i++) {
                lp.backward(out);
            }
            long t2 = System.nanoTime();
            System.out.printf("%-32s fwd %6.1f us  bwd %6.1f us%n", m.layers().get(li).describe(), (t1 - t0) / 3e3 / 1e3, (t2 - t1) / 3e3 / 1e3);
        }
    }
}
