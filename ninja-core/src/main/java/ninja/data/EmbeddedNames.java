package ninja.data;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names.txt of karpathy/makemore (MIT, notice in names.txt.LICENSE next to it), shipped in the core jar so that
 * a fresh clone trains and tests without a network or a shared folder. Its MD5 is checked on every load: a damaged
 * or replaced resource is an error, not a different data set.
 */
public final class EmbeddedNames {
    public static final String RESOURCE = "names.txt";
    /** What {@code data} prints as the file, and what messages name. */
    public static final String SOURCE = "names.txt (embedded, makemore, MIT)";
    /** MD5 of the lecture's names.txt. */
    public static final String MD5 = "401b3c4cac9e28a586ed15e81256680d";

    private EmbeddedNames() {
    }

    public static Names load() {
        return verified(bytes(), MD5);
    }

    /** The resource's bytes, unchecked. */
    public static byte[] bytes() {
        try (InputStream in = EmbeddedNames.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new DataException(SOURCE + ": missing from the jar (ninja/data/" + RESOURCE
                        + "); rebuild, or pass --data PATH");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DataException(SOURCE + ": cannot read it from the jar: " + e.getMessage(), e);
        }
    }

    static Names verified(byte[] bytes, String expectedMd5) {
        String got = md5(bytes);
        if (!got.equals(expectedMd5)) {
            throw new DataException(SOURCE + ": MD5 " + got + ", expected " + expectedMd5
                    + ": the jar is damaged; rebuild, or pass --data PATH");
        }
        return Names.parse(SOURCE, bytes);
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
