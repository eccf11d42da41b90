package org.dpl4j.testutil;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A "decompression bomb": a PNG of a few hundred bytes whose header declares {@code width × height}
 * 8-bit RGB pixels, with the first rows of zeros as its only data. Decoding 30000 × 30000 of it would
 * need 2.7 GB; refusing it must happen from the header.
 */
public final class BombPng {
    private BombPng() {}

    public static byte[] bytes(int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit, RGB, deflate, no filter, no interlace
            chunk(out, "IHDR", ihdr.toByteArray());
            Deflater d = new Deflater();
            d.setInput(new byte[Math.min(height, 64) * (1 + 3 * width)]);
            d.finish();
            byte[] buf = new byte[1 << 16];
            int n = d.deflate(buf);
            d.end();
            chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream o = new DataOutputStream(out);
        o.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        o.write(t);
        o.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        o.writeInt((int) crc.getValue());
    }
}
