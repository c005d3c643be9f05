package ninja.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.tensor.Tensor;

/**
 * The safetensors format (huggingface/safetensors), float32 only:
 * <pre>
 * u64 little-endian N | N bytes of UTF-8 JSON header | raw little-endian data
 * header = {"__metadata__": {str: str}, NAME: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}
 * </pre>
 * Offsets are relative to the start of the data and must tile it exactly; the header is padded with spaces to a
 * multiple of 8 bytes. Reading checks all of that and reports the file and the problem.
 */
public final class Safetensors {
    public static final String METADATA = "__metadata__";
    /** Headers beyond this are refused as not ours (the spec's reference reader caps at 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    private Safetensors() {
    }

    /** Tensors in file order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** Writes atomically (see {@link AtomicFile}). */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] bytes = encode(tensors, metadata);
        AtomicFile.write(path, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        });
    }

    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(METADATA, new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) {
                shape.add((long) d);
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + 4L * t.numel()));
            header.put(e.getKey(), info);
            offset += 4L * t.numel();
        }
        byte[] json = MiniJson.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            buf.asFloatBuffer().put(t.data());
            buf.position(buf.position() + 4 * t.numel());
        }
        return buf.array();
    }

    public static Contents read(Path path) {
        String kind = ninja.data.InputFiles.kind(path);
        if (kind != null) {
            throw new CheckpointException(path, kind);       // before opening: a FIFO would block forever
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot read: " + e.getMessage(), e);
        }
        return decode(path, bytes);
    }

    @SuppressWarnings("unchecked")
    public static Contents decode(Path path, byte[] bytes) {
        if (bytes.length < 8) {
            throw new CheckpointException(path, "not a safetensors file (" + bytes.length + " bytes, too short for a header)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        if (n < 2 || n > MAX_HEADER || n > bytes.length - 8) {
            throw new CheckpointException(path, "not a safetensors file or truncated (header length " + Long.toUnsignedString(n)
                    + ", file " + bytes.length + " bytes)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(path, "not a safetensors file (the header is not UTF-8 text)");
        }
        Object parsed;
        try {
            parsed = MiniJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "corrupt safetensors header: " + e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw new CheckpointException(path, "corrupt safetensors header: not a JSON object");
        }
        Map<String, Object> header = (Map<String, Object>) parsed;
        long dataStart = 8 + n;
        long dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new CheckpointException(path, "corrupt safetensors header: __metadata__ is not an object");
                }
                for (Map.Entry<?, ?> kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String v)) {
                        throw new CheckpointException(path, "corrupt safetensors header: metadata \"" + kv.getKey()
                                + "\" is not a string");
                    }
                    metadata.put((String) kv.getKey(), v);
                }
                continue;
            }
            String name = e.getKey();
            if (!(e.getValue() instanceof Map<?, ?> info)) {
                throw new CheckpointException(path, "corrupt safetensors header: tensor " + name + " is not an object");
            }
            if (!(info.get("dtype") instanceof String)) {
                throw new CheckpointException(path, "corrupt safetensors header: tensor " + name + " has no dtype");
            }
            if (!"F32".equals(info.get("dtype"))) {
                throw new CheckpointException(path, "tensor " + name + " has dtype " + info.get("dtype")
                        + ", only F32 is supported");
            }
            int[] shape = shape(path, name, info.get("shape"));
            long[] off = longs(path, name + " data_offsets", info.get("data_offsets"), 2);
            long numel = 1;
            for (int d : shape) {
                numel *= d;
                if (numel > Integer.MAX_VALUE / 4) {
                    throw new CheckpointException(path, "corrupt safetensors header: tensor " + name + " is too large");
                }
            }
            if (off[0] < 0 || off[1] < off[0] || off[1] - off[0] != 4 * numel) {
                throw new CheckpointException(path, "corrupt safetensors header: tensor " + name + " of shape "
                        + Tensor.shapeString(shape) + " has data_offsets [" + off[0] + ", " + off[1] + "]");
            }
            if (off[1] > dataLength) {
                throw new CheckpointException(path, "truncated: tensor " + name + " needs bytes up to " + off[1]
                        + " of the data, the file has " + dataLength);
            }
            float[] data = new float[(int) numel];
            ByteBuffer.wrap(bytes, (int) (dataStart + off[0]), (int) (off[1] - off[0])).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(data);
            tensors.put(name, Tensor.of(data, shape));
            ranges.add(off);
        }
        checkTiling(path, ranges, dataLength);
        return new Contents(tensors, metadata);
    }

    /** The spec: the byte buffer is entirely indexed, without holes or overlaps. */
    private static void checkTiling(Path path, List<long[]> ranges, long dataLength) {
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long end = 0;
        for (long[] r : ranges) {
            if (r[0] != end) {
                throw new CheckpointException(path, "corrupt safetensors header: tensor data overlaps or has a hole at byte " + end);
            }
            end = r[1];
        }
        if (end != dataLength) {
            throw new CheckpointException(path, "the data is " + dataLength + " bytes but the header indexes " + end
                    + (end < dataLength ? " (trailing bytes)" : ""));
        }
    }

    private static int[] shape(Path path, String name, Object v) {
        long[] l = longs(path, name + " shape", v, -1);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < 0 || l[i] > Integer.MAX_VALUE) {
                throw new CheckpointException(path, "corrupt safetensors header: " + name + " has dimension " + l[i]);
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** A JSON list of integers; {@code length} -1 accepts any length. */
    private static long[] longs(Path path, String what, Object v, int length) {
        if (!(v instanceof List<?> l)) {
            throw new CheckpointException(path, "corrupt safetensors header: " + what + " is not a list of integers");
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long x)) {
                throw new CheckpointException(path, "corrupt safetensors header: " + what + " is not a list of integers");
            }
            out[i] = x;
        }
        if (length >= 0 && out.length != length) {
            throw new CheckpointException(path, "corrupt safetensors header: " + what + " needs " + length + " integers");
        }
        return out;
    }
}
