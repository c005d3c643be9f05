package ninja.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import ninja.data.Names;

/** Where tests find the real names.txt: NINJA_DATA, else ../shared/data/names.txt from the repository root. */
public final class TestData {
    private static Names cached;

    private TestData() {
    }

    public static Path namesPath() {
        String env = System.getenv("NINJA_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String root = System.getProperty("ninja.root");
        Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        for (Path p = base; p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/data/names.txt").normalize();
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("names.txt not found: set NINJA_DATA or provide ../shared/data/names.txt");
    }

    public static synchronized Names names() {
        if (cached == null) {
            cached = Names.read(namesPath());
        }
        return cached;
    }
}
