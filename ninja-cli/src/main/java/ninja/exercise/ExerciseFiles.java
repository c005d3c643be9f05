package ninja.exercise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/** Writes the exercise and solution files; never overwrites what a learner wrote unless asked to. */
public final class ExerciseFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExerciseFiles() {
    }

    public static Path exerciseFile(Path dir) {
        return dir.resolve(ExerciseTemplate.EXERCISE_CLASS + ".java");
    }

    public static Path solutionFile(Path dir) {
        return dir.resolve(ExerciseTemplate.SOLUTION_CLASS + ".java");
    }

    /** Exercise 5's file, DIR/Layers.java. */
    public static Path layersFile(Path dir) {
        return dir.resolve(ExerciseTemplate.LAYERS_CLASS + ".java");
    }

    public static Path layersSolutionFile(Path dir) {
        return dir.resolve(ExerciseTemplate.LAYERS_SOLUTION_CLASS + ".java");
    }

    /**
     * Writes {@code text} to {@code file}, creating its directory; refuses an existing file unless {@code force}.
     * The text goes to a temporary file first, then is moved in place: nothing is ever half-written.
     */
    public static void write(Path file, String text, boolean force) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory");
        }
        if (Files.exists(file) && !force) {
            throw new IllegalArgumentException(file + " already exists: not overwriting your work (use --force to replace it)");
        }
        try {
            Files.createDirectories(dir);
            // not Files.createTempFile, whose file is 0600 whatever the umask: a new file gets the user's mode
            Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The exercise file to grade: PATH itself if it is a .java file, else PATH/Backprop.java. */
    public static Path toGrade(Path path) {
        if (Files.isDirectory(path)) {
            Path f = exerciseFile(path);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("no " + f.getFileName() + " in " + path
                        + " (start with: ./ninja exercise new " + path + ")");
            }
            return f;
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such file or directory: " + path);
        }
        if (!path.getFileName().toString().endsWith(".java")) {
            throw new IllegalArgumentException(path + " is not a .java file");
        }
        return path;
    }

    /** The class name a file must declare: its name without .java. */
    public static String className(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".java".length());
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
