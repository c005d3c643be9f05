package ninja.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where names.txt comes from, in this order: {@code --data PATH}; the {@code NINJA_DATA} environment variable;
 * {@code ./names.txt}; the copy embedded in this jar ({@link EmbeddedNames}, makemore's file, MIT). A file given
 * explicitly must be there: a missing one is an error, never a silent fall-through to the next source.
 */
public final class DataLocator {
    private final Map<String, String> env;
    private final Path workDir;

    public DataLocator(Map<String, String> env, Path workDir) {
        this.env = env;
        this.workDir = workDir;
    }

    /** The file to read, or null for the embedded copy. */
    public Path locate(Path explicit) {
        if (explicit != null) {
            return InputFiles.requireRegular(explicit, "given by --data");
        }
        String fromEnv = env.get("NINJA_DATA");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return InputFiles.requireRegular(Path.of(fromEnv), "given by NINJA_DATA");
        }
        Path local = workDir.resolve("names.txt");
        if (java.nio.file.Files.exists(local)) {
            return InputFiles.requireRegular(local, "found in the working directory");
        }
        return null;
    }

    /** The names from the first source found. */
    public Names load(Path explicit) {
        Path p = locate(explicit);
        return p == null ? EmbeddedNames.load() : Names.read(p);
    }
}
