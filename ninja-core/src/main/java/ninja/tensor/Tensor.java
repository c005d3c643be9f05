package ninja.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order: the only tensor type of the project.
 *
 * <p>Shapes are kept exactly as the lecture writes them ({@code bnmeani} is {@code [1, 64]}, {@code b1} is
 * {@code [64]}), because a learner's most common mistake is a gradient of the right values and the wrong
 * shape. The data array is public to the kernels through {@link #data()}; nothing copies it behind your back.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(shape.clone(), new float[checkedSize(shape)]);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** Wraps {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        if (checkedSize(shape) != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + checkedSize(shape) + " values, got " + data.length);
        }
        return new Tensor(shape.clone(), data);
    }

    public static Tensor scalar(float value) {
        return new Tensor(new int[0], new float[] {value});
    }

    private static int checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        }
        return (int) n;
    }

    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return data.length;
    }

    /** Element of a 2-D tensor. */
    public float get(int i, int j) {
        return data[i * shape[1] + j];
    }

    public void set(int i, int j, float v) {
        data[i * shape[1] + j] = v;
    }

    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() of a tensor with " + data.length + " elements");
        }
        return data[0];
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** The same data under another shape with the same element count (the lecture's {@code view}). */
    public Tensor view(int... newShape) {
        return of(data, newShape);
    }

    public Tensor copy() {
        return new Tensor(shape.clone(), data.clone());
    }

    public static String shapeString(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(']').toString();
    }

    public String shapeString() {
        return shapeString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString() + (data.length <= 8 ? Arrays.toString(data) : "");
    }
}
