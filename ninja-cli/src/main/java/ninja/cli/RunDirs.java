package ninja.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The run's folder: --out as given, or a new runs/&lt;timestamp&gt; that no other run shares. */
final class RunDirs {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunDirs() {
    }

    static Path create(Path out) throws IOException {
        return create(out, Path.of("runs"));
    }

    static Path create(Path out, Path base) throws IOException {
        if (out != null) {
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new Errors.UserError("--out " + out + " is a file, not a directory");
            }
            return Files.createDirectories(out);
        }
        Path runs = Files.createDirectories(base);
        String stamp = LocalDateTime.now().format(STAMP);
        // mkdir is atomic: of two runs started in the same second, one gets the name and the other the next suffix
        for (int i = 1; ; i++) {
            Path dir = runs.resolve(i == 1 ? stamp : stamp + "-" + i);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            }
        }
    }
}
