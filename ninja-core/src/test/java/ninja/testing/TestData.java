package ninja.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import ninja.data.EmbeddedNames;
import ninja.data.Names;

/**
 * The real names.txt for tests: {@code NINJA_DATA} if set, else the copy embedded in ninja-core (so the suite needs
 * no shared folder and no network).
 */
public final class TestData {
    private static Names cached;
    private static Path file;

    private TestData() {
    }

    /** A file holding the data, for code that takes a path (the embedded copy is written once to a temporary file). */
    public static synchronized Path namesPath() {
        String env = System.getenv("NINJA_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("ninja-testdata");
                file = Files.write(dir.resolve("names.txt"), EmbeddedNames.bytes());
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    public static synchronized Names names() {
        if (cached == null) {
            String env = System.getenv("NINJA_DATA");
            cached = env != null && !env.isBlank() ? Names.read(Path.of(env)) : EmbeddedNames.load();
        }
        return cached;
    }
}
