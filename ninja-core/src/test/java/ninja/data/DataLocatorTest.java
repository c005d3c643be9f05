package ninja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {

    @Test
    void orderIsFlagThenEnvThenWorkDirThenCache(@TempDir Path dir) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path flag = Files.writeString(dir.resolve("flag.txt"), "a\n");
        Path env = Files.writeString(dir.resolve("env.txt"), "b\n");
        DataLocator.Downloader never = (url, len) -> {
            throw new AssertionError("must not download");
        };
        DataLocator withEnv = new DataLocator(Map.of("NINJA_DATA", env.toString()), work, cache, never);
        assertThat(withEnv.locate(flag)).isEqualTo(flag);
        assertThat(withEnv.locate(null)).isEqualTo(env);
        DataLocator noEnv = new DataLocator(Map.of(), work, cache, never);
        Files.writeString(cache.resolve("names.txt"), "c\n");
        assertThat(noEnv.locate(null)).isEqualTo(cache.resolve("names.txt"));
        Files.writeString(work.resolve("names.txt"), "d\n");
        assertThat(noEnv.locate(null)).isEqualTo(work.resolve("names.txt"));
    }

    @Test
    void missingExplicitFilesNameTheirSource(@TempDir Path dir) {
        DataLocator l = new DataLocator(Map.of("NINJA_DATA", dir.resolve("x").toString()), dir, dir, null);
        assertThatThrownBy(() -> l.locate(dir.resolve("y"))).hasMessageContaining("given by --data");
        assertThatThrownBy(() -> l.locate(null)).hasMessageContaining("given by NINJA_DATA");
    }

    @Test
    void offlineWithNoFileTellsHowToGetIt(@TempDir Path dir) {
        DataLocator l = new DataLocator(Map.of(), dir, dir.resolve("cache"), (url, len) -> {
            throw new IOException("no network");
        });
        assertThatThrownBy(() -> l.locate(null)).isInstanceOf(DataException.class)
                .hasMessageContaining("no names.txt found").hasMessageContaining("--data")
                .hasMessageContaining("NINJA_DATA").hasMessageContaining(DataLocator.URL);
        assertThat(dir.resolve("cache")).isEmptyDirectory();
    }

    @Test
    void downloadWithWrongChecksumIsNotCached(@TempDir Path dir) {
        Path cache = dir.resolve("cache");
        DataLocator l = new DataLocator(Map.of(), dir, cache, (url, len) -> new ByteArrayInputStream("evil\n".getBytes()));
        assertThatThrownBy(() -> l.locate(null)).hasMessageContaining("SHA-256");
        assertThat(cache.resolve("names.txt")).doesNotExist();
        assertThat(cache).isEmptyDirectory();
    }

    @Test
    void verifiedDownloadIsCachedOnce(@TempDir Path dir) throws IOException {
        byte[] real = Files.readAllBytes(ninja.testing.TestData.namesPath());
        Path cache = dir.resolve("cache");
        int[] calls = {0};
        DataLocator l = new DataLocator(Map.of(), dir, cache, (url, len) -> {
            calls[0]++;
            return new ByteArrayInputStream(real);
        });
        assertThat(l.locate(null)).isEqualTo(cache.resolve("names.txt"));
        assertThat(l.locate(null)).isEqualTo(cache.resolve("names.txt"));
        assertThat(calls[0]).isEqualTo(1);
        assertThat(Files.readAllBytes(cache.resolve("names.txt"))).isEqualTo(real);
    }
}
