package ninja.exercise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exercise files get the mode any new file of the user gets (the umask), not a temporary file's 0600. */
class ExerciseFilesTest {
    @TempDir
    Path dir;

    @Test
    void writtenWithTheUsersUmask() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain.txt")); // the JVM's own new file: 0666 & ~umask
        Path file = dir.resolve("Backprop.java");
        ExerciseFiles.write(file, "class Backprop {}", false);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
        ExerciseFiles.write(file, "class Backprop { }", true);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(Files.readString(file)).isEqualTo("class Backprop { }");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("plain.txt", "Backprop.java");
        }
    }
}
