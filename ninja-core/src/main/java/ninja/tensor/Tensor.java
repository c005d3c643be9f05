package ninja.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor of any rank in row-major order: the only tensor type of the project.
 *
 * <p>Shapes are kept exactly as the lecture writes them ({@code bnmeani} is {@code [1, 64]}, {@code b1} is
 * {@code [64]}), because a learner's most common mistake is a gradient of the right values and the wrong
 * shape. The data array is public to the kernels through {@link #data()}; nothing copies it behind your back.
 * Element access ({@link #get(int...)}, {@link #set(int[], float)}) checks the rank and every index, and accepts
 * torch's negative indices ({@code -1} is the last).
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** A new tensor of zeros (torch.zeros). */
    public static Tensor zeros(int... shape) {
        return new Tensor(shape.clone(), new float[checkedSize(shape)]);
    }

    /** A new tensor of ones (torch.ones). */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** A new tensor filled with {@code value} (torch.full). */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** Zeros of {@code t}'s shape (torch.zeros_like). */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    /** Ones of {@code t}'s shape (torch.ones_like). */
    public static Tensor onesLike(Tensor t) {
        return ones(t.shape);
    }

    /** Wraps {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        if (checkedSize(shape) != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + checkedSize(shape) + " values, got " + data.length);
        }
        return new Tensor(shape.clone(), data);
    }

    /** A 0-dimensional tensor holding one value (torch.tensor(v)). */
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
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
            }
        }
        return (int) n;
    }

    /** The values, row-major: the array itself, not a copy. */
    public float[] data() {
        return data;
    }

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code i} (negative counts from the end, as torch's {@code t.shape[-1]}). */
    public int dim(int i) {
        return shape[axis(i)];
    }

    /** The number of dimensions (torch's {@code t.dim()}). */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public int numel() {
        return data.length;
    }

    /** Dimension {@code d} as an index into the shape: negative counts from the end; out of range is an error. */
    public int axis(int d) {
        int a = d < 0 ? d + shape.length : d;
        if (a < 0 || a >= shape.length) {
            throw new IndexOutOfBoundsException("dimension " + d + " out of range for a " + shape.length + "-D tensor "
                    + shapeString());
        }
        return a;
    }

    /** Element of a 2-D tensor, {@code t[i, j]}. */
    public float get(int i, int j) {
        return data[offset2(i, j)];
    }

    /** Element at {@code index} (one index per dimension), {@code t[i, j, k]}. */
    public float get(int... index) {
        return data[offset(index)];
    }

    /** {@code t[i] = v} for a 1-D tensor. */
    public void set(int i, float v) {
        data[offset(i)] = v;
    }

    /** {@code t[i, j] = v} for a 2-D tensor. */
    public void set(int i, int j, float v) {
        data[offset2(i, j)] = v;
    }

    /** {@code t[i, j, k] = v} for a 3-D tensor. */
    public void set(int i, int j, int k, float v) {
        data[offset(i, j, k)] = v;
    }

    /** {@code t[index] = v}, one index per dimension. */
    public void set(int[] index, float v) {
        data[offset(index)] = v;
    }

    private int offset2(int i, int j) {
        if (shape.length != 2) {
            throw rankError(2);
        }
        return index(0, i) * shape[1] + index(1, j);
    }

    /** The flat (row-major) position of {@code index}, every index checked. */
    public int offset(int... index) {
        if (index.length != shape.length) {
            throw rankError(index.length);
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat = flat * shape[d] + index(d, index[d]);
        }
        return flat;
    }

    private int index(int d, int i) {
        int k = i < 0 ? i + shape[d] : i;
        if (k < 0 || k >= shape[d]) {
            throw new IndexOutOfBoundsException("index " + i + " is out of bounds for dimension " + d + " with size "
                    + shape[d] + " (shape " + shapeString() + ")");
        }
        return k;
    }

    private IllegalArgumentException rankError(int given) {
        return new IllegalArgumentException(given + " ind" + (given == 1 ? "ex" : "ices") + " for a " + shape.length
                + "-D tensor of shape " + shapeString());
    }

    /** The value of a one-element tensor (torch's {@code t.item()}). */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() of a tensor with " + data.length + " elements");
        }
        return data[0];
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /**
     * The same data under another shape with the same element count (the lecture's {@code view}); one dimension
     * may be -1, inferred from the others ({@code emb.view(n, -1)}).
     */
    public Tensor view(int... newShape) {
        return of(data, inferred(newShape));
    }

    private int[] inferred(int[] newShape) {
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < newShape.length; i++) {
            if (newShape[i] == -1 && unknown < 0) {
                unknown = i;
            } else {
                known *= Math.max(newShape[i], 0);
            }
        }
        if (unknown < 0) {
            return newShape;
        }
        if (known == 0 || data.length % known != 0) {
            throw new IllegalArgumentException("shape " + Arrays.toString(newShape) + " is invalid for " + data.length
                    + " values (shape " + shapeString() + ")");
        }
        int[] s = newShape.clone();
        s[unknown] = (int) (data.length / known);
        return s;
    }

    /** The transpose of a 2-D tensor, a new tensor (torch's {@code t.T}). */
    public Tensor T() {
        return Ops.transpose(this);
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

    /** The values as torch prints them: 4 decimals, aligned, abbreviated with "..." past 1,000 elements. */
    @Override
    public String toString() {
        return TensorFormat.format(shape, data);
    }
}
