package ninja.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The words of a names file, one per line (the notebook's {@code open('names.txt').read().splitlines()}).
 *
 * <p>LF and CRLF endings are accepted. Blank lines are skipped and counted. Input that would silently corrupt
 * training is refused with file, line and column: invalid UTF-8, a '.' inside a name ('.' is the end token), a
 * line of only spaces, a file with no names. A UTF-8 byte order mark at the start is dropped (it is not a character
 * of the first name).
 */
public record Names(String source, List<String> words, int blankLines) {

    public Names {
        words = List.copyOf(words);
    }

    public static Names read(Path path) {
        InputFiles.requireRegular(path, null);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new DataException(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new DataException(path + ": permission denied");
        } catch (IOException e) {
            throw new DataException(path + ": cannot read: " + e.getMessage(), e);
        }
        return parse(path.toString(), bytes);
    }

    public static Names parse(String source, byte[] bytes) {
        List<String> words = new ArrayList<>();
        int blank = 0;
        int line = 1;
        // a UTF-8 byte order mark (EF BB BF), as some editors write: not part of the first name
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            String word = decodeLine(source, line, bytes, start, stop);
            if (word.isEmpty()) {
                blank++;
            } else {
                checkWord(source, line, word);
                words.add(word);
            }
            start = end + 1;
            line++;
        }
        if (words.isEmpty()) {
            throw new DataException(source + ": no names in the file (it is empty or blank); expected one name per line");
        }
        return new Names(source, words, blank);
    }

    private static String decodeLine(String source, int line, byte[] bytes, int from, int to) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            // Find the first bad byte to report its column (1-based, counted in characters before it).
            int good = from;
            for (int end = from + 1; end <= to; end++) {
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes, from, end - from));
                    good = end;
                } catch (CharacterCodingException stillBad) {
                    if (end - good > 4) {
                        break;
                    }
                }
            }
            String prefix = new String(bytes, from, good - from, StandardCharsets.UTF_8);
            int column = prefix.codePointCount(0, prefix.length()) + 1;
            throw new DataException(String.format("%s:%d:%d: invalid UTF-8 (byte 0x%02x)", source, line, column,
                    bytes[good] & 0xff));
        }
    }

    private static void checkWord(String source, int line, String word) {
        if (word.isBlank()) {
            throw new DataException(String.format("%s:%d: a line of only whitespace (%d characters): not a name; "
                    + "remove it or leave it empty", source, line, word.length()));
        }
        int dot = word.indexOf('.');
        if (dot >= 0) {
            int column = word.codePointCount(0, dot) + 1;
            throw new DataException(String.format(
                    "%s:%d:%d: '.' inside the name \"%s\": '.' is the start/end token and cannot be part of a name",
                    source, line, column, word));
        }
    }

}
