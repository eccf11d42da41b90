package org.dpl4j.data.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Minimal safetensors reader for float32 golden tensors, so the image tests need no DJL engine:
 * 8-byte little-endian header length, a JSON header mapping names to dtype/shape/data_offsets,
 * then the raw little-endian data.
 */
final class SafetensorsFile {
    private final JsonNode header;
    private final ByteBuffer data;

    private SafetensorsFile(JsonNode header, ByteBuffer data) {
        this.header = header;
        this.data = data;
    }

    static SafetensorsFile read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong(0);
        if (headerLen <= 0 || headerLen > bytes.length - 8) {
            throw new IOException(file + ": bad safetensors header length " + headerLen);
        }
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) headerLen, bytes.length - 8 - (int) headerLen)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        return new SafetensorsFile(header, data);
    }

    /** Shape of tensor {@code name}. */
    int[] shape(String name) {
        JsonNode shape = entry(name).get("shape");
        int[] s = new int[shape.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape.get(i).asInt();
        }
        return s;
    }

    /** Row-major values of float32 tensor {@code name}. */
    float[] floats(String name) {
        JsonNode e = entry(name);
        if (!"F32".equals(e.get("dtype").asText())) {
            throw new IllegalArgumentException(name + " is " + e.get("dtype").asText() + ", not F32");
        }
        int begin = e.get("data_offsets").get(0).asInt();
        int end = e.get("data_offsets").get(1).asInt();
        float[] out = new float[(end - begin) / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.getFloat(begin + 4 * i);
        }
        return out;
    }

    private JsonNode entry(String name) {
        JsonNode e = header.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return e;
    }
}
