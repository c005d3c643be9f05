package ninja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {

    @Test
    void orderIsFlagThenEnvThenWorkDirThenEmbedded(@TempDir Path dir) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path flag = Files.writeString(dir.resolve("flag.txt"), "a\n");
        Path env = Files.writeString(dir.resolve("env.txt"), "b\n");
        DataLocator withEnv = new DataLocator(Map.of("NINJA_DATA", env.toString()), work);
        assertThat(withEnv.locate(flag)).isEqualTo(flag);
        assertThat(withEnv.locate(null)).isEqualTo(env);
        DataLocator noEnv = new DataLocator(Map.of("NINJA_DATA", " "), work);
        assertThat(noEnv.locate(null)).isNull();
        assertThat(noEnv.load(null).source()).isEqualTo(EmbeddedNames.SOURCE);
        Files.writeString(work.resolve("names.txt"), "d\n");
        assertThat(noEnv.locate(null)).isEqualTo(work.resolve("names.txt"));
        assertThat(noEnv.load(null).words()).containsExactly("d");
    }

    @Test
    void missingExplicitFilesNameTheirSource(@TempDir Path dir) throws IOException {
        DataLocator l = new DataLocator(Map.of("NINJA_DATA", dir.resolve("x").toString()), dir);
        assertThatThrownBy(() -> l.locate(dir.resolve("y"))).hasMessage(dir.resolve("y") + ": no such file (given by --data)");
        assertThatThrownBy(() -> l.locate(null)).hasMessage(dir.resolve("x") + ": no such file (given by NINJA_DATA)");
        assertThatThrownBy(() -> l.locate(dir)).hasMessage(dir + ": a directory, not a file (given by --data)");
        // a ./names.txt that is not a file is reported, not skipped in favour of the embedded copy
        Files.createDirectory(dir.resolve("names.txt"));
        assertThatThrownBy(() -> new DataLocator(Map.of(), dir).locate(null))
                .hasMessageContaining("a directory, not a file (found in the working directory)");
    }

    @Test
    void theEmbeddedCopyIsTheLecturesFile() {
        byte[] bytes = EmbeddedNames.bytes();
        assertThat(EmbeddedNames.md5(bytes)).isEqualTo("401b3c4cac9e28a586ed15e81256680d");
        Names n = EmbeddedNames.load();
        assertThat(n.words()).hasSize(32_033);
        assertThat(n.words().subList(0, 3)).containsExactly("emma", "olivia", "ava");
        assertThat(EmbeddedNames.class.getResource("names.txt.LICENSE")).isNotNull();
    }

    @Test
    void aDamagedEmbeddedCopyIsRefused() {
        byte[] bytes = EmbeddedNames.bytes();
        bytes[0] = 'x';
        assertThatThrownBy(() -> EmbeddedNames.verified(bytes, EmbeddedNames.MD5)).isInstanceOf(DataException.class)
                .hasMessageContaining("MD5 ").hasMessageContaining("expected 401b3c4cac9e28a586ed15e81256680d");
    }
}
