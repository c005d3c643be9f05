package ninja.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where names.txt comes from, in this order: {@code --data PATH}; the {@code NINJA_DATA} environment variable;
 * {@code ./names.txt}; a cached copy in the user's cache directory; a one-time download from the makemore
 * repository, verified by SHA-256 before it is cached.
 */
public final class DataLocator {
    public static final String URL = "https://raw.githubusercontent.com/karpathy/makemore/master/names.txt";
    /** SHA-256 of the names.txt the lecture uses (MD5 401b3c4cac9e28a586ed15e81256680d). */
    public static final String SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d";

    /** Fetches a URL's bytes into a stream; the CLI's implementation shows a progress bar. */
    public interface Downloader {
        InputStream open(String url, long[] contentLength) throws IOException;
    }

    private final Map<String, String> env;
    private final Path workDir;
    private final Path cacheDir;
    private final Downloader downloader;

    public DataLocator(Map<String, String> env, Path workDir, Path cacheDir, Downloader downloader) {
        this.env = env;
        this.workDir = workDir;
        this.cacheDir = cacheDir;
        this.downloader = downloader;
    }

    /** The user's cache directory: {@code $XDG_CACHE_HOME/backprop-ninja}, else {@code ~/.cache/backprop-ninja}. */
    public static Path defaultCacheDir(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("backprop-ninja");
    }

    public Path locate(Path explicit) {
        if (explicit != null) {
            return mustExist(explicit, "--data");
        }
        String fromEnv = env.get("NINJA_DATA");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return mustExist(Path.of(fromEnv), "NINJA_DATA");
        }
        Path local = workDir.resolve("names.txt");
        if (Files.isRegularFile(local)) {
            return local;
        }
        Path cached = cacheDir.resolve("names.txt");
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        return download(cached);
    }

    private static Path mustExist(Path p, String from) {
        if (!Files.isRegularFile(p)) {
            throw new DataException(p + ": no such file (given by " + from + ")");
        }
        return p;
    }

    private Path download(Path target) {
        if (downloader == null) {
            throw new DataException(noFileMessage("downloading is off"));
        }
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), "names", ".part");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(downloader.open(URL, new long[1]), sha)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (!got.equals(SHA256)) {
                throw new DataException("downloaded names.txt has SHA-256 " + got + ", expected " + SHA256
                        + "; nothing was cached");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            return target;
        } catch (IOException e) {
            throw new DataException(noFileMessage("download failed: " + e), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a leftover .part file is never read as data
                }
            }
        }
    }

    private String noFileMessage(String why) {
        return "no names.txt found (" + why + "): pass --data PATH, set NINJA_DATA, put names.txt in "
                + workDir.toAbsolutePath() + ", or download " + URL + " to " + cacheDir.resolve("names.txt");
    }
}
