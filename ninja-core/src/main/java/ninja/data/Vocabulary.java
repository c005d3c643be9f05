package ninja.data;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The notebook's {@code stoi}/{@code itos}: the distinct characters of the data, sorted by code point, numbered
 * from 1; '.' is 0, the token that both pads the start of a context and ends a name.
 */
public final class Vocabulary {
    public static final int END = 0;
    private final int[] itos;

    private Vocabulary(int[] itos) {
        this.itos = itos;
    }

    public static Vocabulary of(List<String> words) {
        TreeSet<Integer> chars = new TreeSet<>();
        for (String w : words) {
            w.codePoints().forEach(chars::add);
        }
        chars.remove((int) '.');
        int[] itos = new int[chars.size() + 1];
        itos[0] = '.';
        int i = 1;
        for (int c : chars) {
            itos[i++] = c;
        }
        return new Vocabulary(itos);
    }

    /** A vocabulary from its characters in index order, '.' first (as stored in a checkpoint). */
    public static Vocabulary fromString(String chars) {
        int[] itos = chars.codePoints().toArray();
        if (itos.length < 2 || itos[0] != '.') {
            throw new IllegalArgumentException("a vocabulary starts with '.' and has at least one character: \"" + chars + "\"");
        }
        for (int i = 2; i < itos.length; i++) {
            if (itos[i] <= itos[i - 1]) {
                throw new IllegalArgumentException("vocabulary characters must be distinct and sorted: \"" + chars + "\"");
            }
        }
        return new Vocabulary(itos);
    }

    public int size() {
        return itos.length;
    }

    public int stoi(int codePoint) {
        if (codePoint == '.') {
            return END;
        }
        int i = Arrays.binarySearch(itos, 1, itos.length, codePoint);
        if (i < 0) {
            throw new IllegalArgumentException("character '" + Character.toString(codePoint) + "' is not in the vocabulary");
        }
        return i;
    }

    public String itos(int index) {
        return Character.toString(itos[index]);
    }

    /** All characters in index order, '.' first: the notebook's {@code ''.join(itos.values())}. */
    public String chars() {
        StringBuilder sb = new StringBuilder();
        for (int c : itos) {
            sb.appendCodePoint(c);
        }
        return sb.toString();
    }

    public String decode(int[] indices, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.appendCodePoint(itos[indices[i]]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(itos, v.itos);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(itos);
    }

    @Override
    public String toString() {
        return chars();
    }
}
