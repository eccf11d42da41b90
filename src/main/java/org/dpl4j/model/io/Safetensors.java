package org.dpl4j.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.dpl4j.util.AtomicFiles;

/**
 * safetensors files: tensors are decoded by DJL ({@link NDList#decode}); the small JSON header is
 * read here too because DJL drops its {@code __metadata__} (prompt lengths, texts...), and writing
 * goes through here so the metadata can be kept and the file is replaced atomically.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    /** All tensors by name, in file order, attached to {@code manager}. */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        NDList list;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            list = NDList.decode(manager, in);
        } catch (RuntimeException e) {
            throw new IOException("not a readable safetensors file: " + file + " (" + e.getMessage() + ")", e);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (NDArray a : list) {
            out.put(a.getName(), a);
        }
        return out;
    }

    /** The string metadata of the header ({@code __metadata__}), empty when there is none. */
    public static Map<String, String> metadata(Path file) throws IOException {
        JsonNode header = header(file);
        JsonNode meta = header.get("__metadata__");
        if (meta == null) {
            return Map.of();
        }
        return JSON.convertValue(meta, new TypeReference<LinkedHashMap<String, String>>() {});
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
            return JSON.readTree(json);
        }
    }

    /**
     * Writes tensors (fp32, fp16, int64, int32 or uint8) with optional string metadata,
     * atomically. Names are kept in the given order.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new TreeMap<>(metadata));
        }
        long offset = 0;
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            byte[] bytes = toLittleEndianBytes(a);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", dtypeName(a.getDataType(), e.getKey()));
            info.put("shape", a.getShape().getShape());
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

    private static byte[] toLittleEndianBytes(NDArray a) {
        ByteBuffer bb = a.toByteBuffer();
        byte[] out = new byte[bb.remaining()];
        bb.duplicate().order(ByteOrder.nativeOrder()).get(out);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("big-endian hosts are not supported");
        }
        return out;
    }

    private static String dtypeName(DataType t, String name) {
        return switch (t) {
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case UINT8 -> "U8";
            case FLOAT64 -> "F64";
            default -> throw new IllegalArgumentException("cannot write tensor " + name + " of type " + t);
        };
    }
}
