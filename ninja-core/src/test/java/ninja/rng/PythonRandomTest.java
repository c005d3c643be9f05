package ninja.rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ninja.data.Splits;
import ninja.testing.TestData;
import org.junit.jupiter.api.Test;

/** CPython's own random module is the reference: these tests run python3 when the machine has it. */
class PythonRandomTest {

    static String python(String script) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not on this machine");
            throw e;
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeTrue(p.exitValue() == 0, "python3 failed: " + new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void getrandbitsMatchesCpythonForSeveralSeeds() throws Exception {
        long[] seeds = {42, 0, 1, -7, 2147483647L, 4294967296L + 5, 1234567890123456789L};
        for (long seed : seeds) {
            String out = python("import random\nr=random.Random(" + seed + ")\n"
                    + "print(' '.join(str(r.getrandbits(k)) for k in [32,1,5,17,32,31]*50))");
            PythonRandom r = new PythonRandom(seed);
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                for (int k : new int[] {32, 1, 5, 17, 32, 31}) {
                    mine.add(Long.toString(r.getrandbits(k)));
                }
            }
            assertThat(String.join(" ", mine)).as("seed %d", seed).isEqualTo(out.strip());
        }
    }

    @Test
    void shuffleOfNamesEqualsCpythonWordForWord() throws Exception {
        String path = TestData.namesPath().toString().replace("\\", "\\\\").replace("'", "\\'");
        String out = python("import random\nwords=open('" + path + "','r').read().splitlines()\n"
                + "random.seed(42)\nrandom.shuffle(words)\nprint('\\n'.join(words))");
        List<String> expected = out.strip().lines().toList();
        Splits s = Splits.of(TestData.names(), 3);
        assertThat(s.shuffled()).hasSize(32033).containsExactlyElementsOf(expected);
    }

    @Test
    void shuffleOfSmallListsEqualsCpython() throws Exception {
        for (int n : new int[] {1, 2, 3, 10, 257}) {
            String out = python("import random\nx=list(range(" + n + "))\nrandom.seed(" + (n * 31) + ")\n"
                    + "random.shuffle(x)\nprint(' '.join(map(str,x)))");
            List<Integer> mine = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                mine.add(i);
            }
            new PythonRandom(n * 31L).shuffle(mine);
            assertThat(String.join(" ", mine.stream().map(String::valueOf).toList())).isEqualTo(out.strip());
        }
    }
}
