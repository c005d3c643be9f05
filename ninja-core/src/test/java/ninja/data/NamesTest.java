package ninja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamesTest {

    static Names parse(String text) {
        return Names.parse("names.txt", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsCrlfAndSkipsAndCountsBlankLines() {
        Names n = parse("emma\r\nolivia\n\nava\r\n\r\n");
        assertThat(n.words()).containsExactly("emma", "olivia", "ava");
        assertThat(n.blankLines()).isEqualTo(2);
    }

    @Test
    void aLineOfOnlySpacesIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> parse("emma\nolivia\n  \nava\n")).isInstanceOf(DataException.class)
                .hasMessageStartingWith("names.txt:3: a line of only whitespace");
        assertThatThrownBy(() -> parse("emma\n\t\r\n")).hasMessageStartingWith("names.txt:2: a line of only whitespace");
    }

    @Test
    void aByteOrderMarkIsDroppedNotAVocabularyCharacter() {
        Names n = parse("\uFEFFemma\nava\n");
        assertThat(n.words()).containsExactly("emma", "ava");
        assertThat(Vocabulary.of(n.words()).chars()).isEqualTo(".aemv");
        // only at the very start: elsewhere it is a character like any other
        assertThat(parse("emma\n\uFEFFava\n").words()).containsExactly("emma", "\uFEFFava");
    }

    @Test
    void directoriesDevicesAndFifosAreNamedAsWhatTheyAre(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Names.read(dir)).isInstanceOf(DataException.class)
                .hasMessage(dir + ": a directory, not a file");
        assertThatThrownBy(() -> Names.read(Path.of("/dev/null"))).hasMessage("/dev/null: a character device, not a regular file");
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        // reading a FIFO would block forever: refused before opening it
        assertThatThrownBy(() -> Names.read(fifo)).hasMessage(fifo + ": a FIFO (named pipe), not a regular file");
    }

    @Test
    void lastLineWithoutNewline() {
        assertThat(parse("a\nbb").words()).containsExactly("a", "bb");
    }

    @Test
    void dotInsideANameNamesFileLineAndColumn() {
        assertThatThrownBy(() -> parse("emma\nol.ivia\n")).isInstanceOf(DataException.class)
                .hasMessageStartingWith("names.txt:2:3: '.' inside the name \"ol.ivia\"");
    }

    @Test
    void invalidUtf8NamesFileLineAndColumn() {
        byte[] bytes = {'a', 'b', '\n', 'c', (byte) 0xc3, (byte) 0xa9, 'd', (byte) 0xff, 'e', '\n'};
        assertThatThrownBy(() -> Names.parse("x.txt", bytes)).isInstanceOf(DataException.class)
                .hasMessage("x.txt:2:4: invalid UTF-8 (byte 0xff)");
    }

    @Test
    void emptyAndBlankFilesAreRefused() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(DataException.class).hasMessageContaining("no names");
        assertThatThrownBy(() -> parse("\n\r\n\n")).isInstanceOf(DataException.class).hasMessageContaining("no names");
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> Names.read(dir.resolve("nope.txt"))).isInstanceOf(DataException.class)
                .hasMessageEndingWith("nope.txt: no such file");
    }

    @Test
    void vocabularyIsSortedWithDotFirstAndNonAsciiWorks(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("n.txt");
        Files.writeString(f, "zoë\nabc\n");
        Names n = Names.read(f);
        Vocabulary v = Vocabulary.of(n.words());
        assertThat(v.chars()).isEqualTo(".abcozë");
        assertThat(v.stoi('a')).isEqualTo(1);
        assertThat(v.stoi('.')).isEqualTo(0);
        assertThat(Vocabulary.fromString(v.chars())).isEqualTo(v);
    }

    @Test
    void contextDatasetForAnyBlockSize() {
        Vocabulary v = Vocabulary.of(List.of("ab"));
        ContextDataset d = ContextDataset.build(List.of("ab"), v, 2);
        // contexts: .. -> a, .a -> b, ab -> .
        assertThat(d.x()).containsExactly(0, 0, 0, 1, 1, 2);
        assertThat(d.y()).containsExactly(1, 2, 0);
        assertThatThrownBy(() -> ContextDataset.build(List.of("ab"), v, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size");
    }
}
