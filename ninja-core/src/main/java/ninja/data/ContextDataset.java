package ninja.data;

import java.util.List;

/**
 * The notebook's {@code build_dataset}: for every character of every word (and the final '.'), the
 * {@code blockSize} previous character indices (row-major in {@code x}) and the index to predict ({@code y}).
 */
public record ContextDataset(int blockSize, int[] x, int[] y) {

    public static ContextDataset build(List<String> words, Vocabulary vocab, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1, got " + blockSize);
        }
        int n = 0;
        for (String w : words) {
            n += w.codePointCount(0, w.length()) + 1;
        }
        int[] x = new int[n * blockSize];
        int[] y = new int[n];
        int[] context = new int[blockSize];
        int row = 0;
        for (String w : words) {
            java.util.Arrays.fill(context, Vocabulary.END);
            int[] chars = (w + ".").codePoints().toArray();
            for (int c : chars) {
                int ix = vocab.stoi(c);
                System.arraycopy(context, 0, x, row * blockSize, blockSize);
                y[row] = ix;
                System.arraycopy(context, 1, context, 0, blockSize - 1);
                context[blockSize - 1] = ix;
                row++;
            }
        }
        return new ContextDataset(blockSize, x, y);
    }

    public int size() {
        return y.length;
    }
}
