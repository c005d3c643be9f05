package ninja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import ninja.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    static Map<String, Tensor> tensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("A", Tensor.of(new float[] {1f, -2.5f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 3e-38f}, 2, 3));
        t.put("b", Tensor.of(new float[] {0.1f, 7f, 1e-5f}, 3));
        t.put("row", Tensor.of(new float[] {42f}, 1, 1));
        return t;
    }

    @Test
    void roundTripsNamesShapesValuesAndMetadata(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.safetensors");
        Safetensors.write(f, tensors(), Map.of("k", "v", "vocab", ".abc"));
        Safetensors.Contents c = Safetensors.read(f);
        assertThat(c.tensors().keySet()).containsExactly("A", "b", "row");
        for (var e : tensors().entrySet()) {
            Tensor got = c.tensors().get(e.getKey());
            assertThat(got.shape()).isEqualTo(e.getValue().shape());
            assertThat(Arrays.equals(got.data(), e.getValue().data())).isTrue();
        }
        assertThat(c.metadata()).containsEntry("k", "v").containsEntry("vocab", ".abc");
    }

    @Test
    void layoutFollowsTheSpec(@TempDir Path dir) throws Exception {
        byte[] bytes = Safetensors.encode(tensors(), Map.of());
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).contains("\"A\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}")
                .contains("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}");
        assertThat(bytes.length).isEqualTo(8 + n + 40);
        // the data is raw little-endian float32: -2.5f is the second value
        assertThat(buf.getFloat((int) (8 + n + 4))).isEqualTo(-2.5f);
    }

    @Test
    void refusesTruncatedCorruptAndForeignFiles(@TempDir Path dir) throws Exception {
        byte[] good = Safetensors.encode(tensors(), Map.of());
        Path f = dir.resolve("bad.safetensors");

        Files.write(f, Arrays.copyOf(good, good.length - 4));
        assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining("truncated");

        Files.write(f, Arrays.copyOf(good, 20));
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("truncated");

        byte[] corrupt = good.clone();
        corrupt[9] = '#';
        Files.write(f, corrupt);
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("corrupt safetensors header");

        Files.write(f, "\u0089PNG\r\n\u001a\n these are not tensors".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("not a safetensors file");

        Files.write(f, new byte[3]);
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("too short");

        byte[] extra = Arrays.copyOf(good, good.length + 4);
        Files.write(f, extra);
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("trailing bytes");

        String wrongDtype = new String(good, StandardCharsets.ISO_8859_1).replaceFirst("F32", "F16");
        Files.write(f, wrongDtype.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("dtype F16");

        assertThatThrownBy(() -> Safetensors.read(dir.resolve("missing"))).hasMessageContaining("no such file");
    }
}
