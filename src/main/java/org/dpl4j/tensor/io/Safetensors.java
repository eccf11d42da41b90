package org.dpl4j.tensor.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.util.AtomicFiles;
import org.dpl4j.util.JsonProblem;

/**
 * safetensors files: the JSON header is parsed with Jackson (metadata included), each tensor's
 * bytes are copied from a memory map into a tensor libtorch owns, and writing replaces the file
 * atomically.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    /** All tensors by name, in file order, as CPU tensors in their stored dtype. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        JsonNode header = header(file);
        long dataStart = 8 + headerLength(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long dataSize = ch.size() - dataStart;
            Iterator<Map.Entry<String, JsonNode>> it = header.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                if (name.equals("__metadata__")) {
                    continue;
                }
                Entry t = entry(name, e.getValue(), dataSize, file);
                out.put(name, copy(ch, dataStart + t.from(), t.bytes(), t.type(), t.shape()));
            }
        }
        return out;
    }

    /** One tensor's header entry, checked: where its bytes lie in the data section, as many as its shape and dtype need. */
    private record Entry(ScalarType type, long[] shape, long from, long bytes) {}

    private static Entry entry(String name, JsonNode info, long dataSize, Path file) throws IOException {
        ScalarType type = scalarType(info.path("dtype").asText(), name, file);
        JsonNode shapeNode = info.path("shape");
        JsonNode off = info.path("data_offsets");
        if (!shapeNode.isArray() || !off.isArray() || off.size() != 2 || !isCount(off.get(0)) || !isCount(off.get(1))) {
            throw new IOException("not a readable safetensors file: " + file + " (tensor " + name
                    + ": no shape array and data_offsets pair of non-negative integers)");
        }
        long[] shape = new long[shapeNode.size()];
        long bytes = elementSize(type);
        for (int i = 0; i < shape.length; i++) {
            if (!isCount(shapeNode.get(i))) {
                throw new IOException("not a readable safetensors file: " + file + " (tensor " + name + ": shape " + shapeNode
                        + " is not a list of non-negative integers)");
            }
            shape[i] = shapeNode.get(i).asLong();
            // the byte count of a shape that overflows cannot match any offsets within the file
            bytes = shape[i] != 0 && bytes > Long.MAX_VALUE / shape[i] ? Long.MAX_VALUE : bytes * shape[i];
        }
        long from = off.get(0).asLong();
        long to = off.get(1).asLong();
        if (to < from || to - from != bytes || to > dataSize) {
            throw new IOException("not a readable safetensors file: " + file + " (tensor " + name
                    + ": offsets " + off + " do not match its shape " + shapeNode + " and dtype, or lie past the end)");
        }
        return new Entry(type, shape, from, bytes);
    }

    private static boolean isCount(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    private static Tensor copy(FileChannel ch, long position, long bytes, ScalarType type, long[] shape) throws IOException {
        if (bytes == 0) {
            return torch.empty(shape, new TensorOptions(type), new org.bytedeco.pytorch.MemoryFormatOptional());
        }
        MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, position, bytes);
        try (BytePointer bp = new BytePointer(map)) {
            return torch.from_blob(bp, shape, new TensorOptions(type)).clone();
        }
    }

    private static long headerLength(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            return ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
    }

    /** The string metadata of the header ({@code __metadata__}), empty when there is none. */
    public static Map<String, String> metadata(Path file) throws IOException {
        JsonNode header = header(file);
        JsonNode meta = header.get("__metadata__");
        if (meta == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = meta.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                break;
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        if (!meta.isObject() || out.size() != meta.size()) {
            throw new IOException("not a safetensors file (__metadata__ is not an object of strings): " + file);
        }
        return out;
    }

    static JsonNode header(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            byte[] lenBytes = in.readNBytes(8);
            if (lenBytes.length < 8) {
                throw new IOException("not a safetensors file (too short): " + file);
            }
            long n = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n <= 0 || n > 100_000_000L) {
                throw new IOException("not a safetensors file (bad header length " + n + "): " + file);
            }
            byte[] json = in.readNBytes((int) n);
            if (json.length < n) {
                throw new IOException("truncated safetensors header: " + file);
            }
            JsonNode header;
            try {
                // UTF-8 as the format says: Jackson would otherwise guess UTF-16 or UTF-32 from the first bytes
                header = JSON.readTree(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(json)).toString());
            } catch (CharacterCodingException e) {
                throw new IOException("not a safetensors file (its header is not UTF-8): " + file, e);
            } catch (JacksonException e) {
                throw new IOException("not a safetensors file (its header is not JSON: " + JsonProblem.of(e) + "): " + file, e);
            }
            if (!header.isObject()) {
                throw new IOException("not a safetensors file (its header is not a JSON object): " + file);
            }
            return header;
        }
    }

    /**
     * Writes tensors (fp32, fp16, int64, int32 or uint8) with optional string metadata,
     * atomically. Names are kept in the given order.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new TreeMap<>(metadata));
        }
        long offset = 0;
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor a = e.getValue();
            String dtype = dtypeName(Tensors.dtype(a), e.getKey());
            byte[] bytes = Tensors.toBytes(a);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", dtype);
            info.put("shape", Tensors.shape(a));
            info.put("data_offsets", new long[] {offset, offset + bytes.length});
            header.put(e.getKey(), info);
            data.put(e.getKey(), bytes);
            offset += bytes.length;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int pad = (8 - json.length % 8) % 8;
        byte[] padded = new byte[json.length + pad];
        System.arraycopy(json, 0, padded, 0, json.length);
        for (int i = json.length; i < padded.length; i++) {
            padded[i] = ' ';
        }
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length).array());
            out.write(padded);
            for (byte[] b : data.values()) {
                out.write(b);
            }
        });
    }

    private static String dtypeName(ScalarType t, String name) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("big-endian hosts are not supported");
        }
        return switch (t) {
            case Float -> "F32";
            case Half -> "F16";
            case BFloat16 -> "BF16";
            case Long -> "I64";
            case Int -> "I32";
            case Byte -> "U8";
            case Double -> "F64";
            default -> throw new IllegalArgumentException("cannot write tensor " + name + " of type " + t);
        };
    }

    private static ScalarType scalarType(String dtype, String name, Path file) throws IOException {
        return switch (dtype) {
            case "F32" -> ScalarType.Float;
            case "F16" -> ScalarType.Half;
            case "BF16" -> ScalarType.BFloat16;
            case "I64" -> ScalarType.Long;
            case "I32" -> ScalarType.Int;
            case "U8" -> ScalarType.Byte;
            case "F64" -> ScalarType.Double;
            case "BOOL" -> ScalarType.Bool;
            case "I8" -> ScalarType.Char;
            case "I16" -> ScalarType.Short;
            default -> throw new IOException("not a readable safetensors file: " + file + " (tensor " + name
                    + " has unsupported dtype " + dtype + ")");
        };
    }

    private static long elementSize(ScalarType t) {
        return switch (t) {
            case Double, Long -> 8;
            case Float, Int -> 4;
            case Half, BFloat16, Short -> 2;
            default -> 1;
        };
    }
}
