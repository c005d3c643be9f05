package ninja.reference;

import java.util.HashMap;
import java.util.Map;
import ninja.data.Splits;
import ninja.testing.TestData;

/** names.txt's splits for a block size, built once per JVM (building them is the slow part of a small test). */
final class TestSplits {
    private static final Map<Integer, Splits> SPLITS = new HashMap<>();

    private TestSplits() {
    }

    static synchronized Splits of(int blockSize) {
        return SPLITS.computeIfAbsent(blockSize, b -> Splits.of(TestData.names(), b));
    }
}
