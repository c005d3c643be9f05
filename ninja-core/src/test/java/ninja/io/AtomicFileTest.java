package ninja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @Test
    void aFailureMidWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("checkpoint.safetensors");
        Safetensors.write(target, SafetensorsTest.tensors(), Map.of("step", "1"));
        byte[] before = Files.readAllBytes(target);
        assertThatThrownBy(() -> AtomicFile.write(target, ch -> {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
            throw new IOException("disk full (simulated)");
        })).isInstanceOf(IOException.class).hasMessageContaining("simulated");
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aFailureBeforeTheFirstWriteCreatesNothing(@TempDir Path dir) {
        Path target = dir.resolve("new.safetensors");
        assertThatThrownBy(() -> AtomicFile.write(target, ch -> {
            throw new IOException("no");
        })).isInstanceOf(IOException.class);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void replacesTheWholeFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("f");
        AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[100])));
        AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[] {7})));
        assertThat(Files.readAllBytes(target)).containsExactly(7);
    }
}
