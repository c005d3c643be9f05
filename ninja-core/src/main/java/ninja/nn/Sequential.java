package ninja.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import ninja.tensor.Tensor;

/**
 * {@code Sequential([...])}: the layers in order; forward runs them first to last, backward last to first.
 * Parameters are named by position as torch names a module list's: {@code layers.2.weight}.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    public Sequential(List<Layer> layers) {
        this(layers, true);
    }

    /** With {@code rename} false the parameters keep the names they were given (the lecture's C, W1, b1, ...). */
    public Sequential(List<Layer> layers, boolean rename) {
        this.layers = List.copyOf(layers);
        for (int i = 0; rename && i < this.layers.size(); i++) {
            Layer l = this.layers.get(i);
            for (Param p : l.params()) {
                p.rename("layers." + i + "." + p.name());
            }
            for (Param p : l.buffers()) {
                p.rename("layers." + i + "." + p.name());
            }
        }
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public int[] outShape(int[] in) {
        int[] s = in;
        for (Layer l : layers) {
            s = l.outShape(s);
        }
        return s;
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.params());
        }
        return Collections.unmodifiableList(ps);
    }

    @Override
    public List<Param> buffers() {
        List<Param> ps = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.buffers());
        }
        return Collections.unmodifiableList(ps);
    }

    /** The number of learnable values (the lecture's {@code sum(p.nelement() for p in parameters)}). */
    public int count() {
        int n = 0;
        for (Param p : params()) {
            n += p.numel();
        }
        return n;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Sequential([");
        for (int i = 0; i < layers.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(layers.get(i).describe());
        }
        return sb.append("])").toString();
    }

    @Override
    public double[] forward64(double[] x, int[] in, Function<Param, double[]> values) {
        double[] t = x;
        int[] s = in;
        for (Layer l : layers) {
            t = l.forward64(t, s, values);
            s = l.outShape(s);
        }
        return t;
    }

    @Override
    public SequentialPlan plan(int[] in) {
        return new SequentialPlan(in);
    }

    /** The layers' plans, chained. */
    public final class SequentialPlan implements Plan {
        // arrays, not lists: the step loops over them without an iterator to allocate
        private final Plan[] plans;
        private final Tensor[] douts;   // the last backward's d loss / d layers[i].out

        SequentialPlan(int[] in) {
            plans = new Plan[layers.size()];
            int[] s = in;
            for (int i = 0; i < plans.length; i++) {
                plans[i] = layers.get(i).plan(s);
                s = layers.get(i).outShape(s);
            }
            douts = new Tensor[plans.length];
        }

        /** The gradient the last backward fed into layer i: d loss / d layers[i].out (not a copy). */
        public Tensor grad(int i) {
            return douts[i];
        }

        /** The number of layers. */
        public int size() {
            return plans.length;
        }

        /** The plan of layer i, to read its activations ({@code layers[i].out}). */
        public Plan layer(int i) {
            return plans[i];
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            Tensor t = x;
            for (Plan p : plans) {
                t = p.forward(t, training);
            }
            return t;
        }

        @Override
        public Tensor backward(Tensor dout) {
            Tensor d = dout;
            for (int i = plans.length - 1; i >= 0 && d != null; i--) {
                douts[i] = d;
                d = plans[i].backward(d);
            }
            return d;
        }

        @Override
        public void commit() {
            for (Plan p : plans) {
                p.commit();
            }
        }

        @Override
        public void update(float lr) {
            for (Plan p : plans) {
                p.update(lr);
            }
        }

        @Override
        public void sync() {
            for (Plan p : plans) {
                p.sync();
            }
        }

        @Override
        public void reload() {
            for (Plan p : plans) {
                p.reload();
            }
        }

        /** The first {@code count} layers only (calibration needs the pre-activations, not the loss). */
        public Tensor forward(Tensor x, boolean training, int count) {
            Tensor t = x;
            for (int i = 0; i < count; i++) {
                t = plans[i].forward(t, training);
            }
            return t;
        }

        @Override
        public Tensor out() {
            return plans[plans.length - 1].out();
        }
    }
}
