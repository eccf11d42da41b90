package org.dpl4j.model.text;

import java.nio.charset.StandardCharsets;

/**
 * CLIP's {@code bytes_to_unicode}: a fixed bijection between the 256 byte values and 256 printable
 * characters, so that BPE can run on strings while still covering every UTF-8 byte sequence
 * (no unknown tokens) and never sees whitespace or control characters.
 *
 * <p>Printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves; the other
 * 68 bytes map, in byte order, to U+0100, U+0101, ... The order matters: it fixes the ids 0..255
 * of the vocabulary.
 */
final class ByteLevel {
    /** Byte value (0..255) to its stand-in character. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Stand-in character to byte value, -1 where the character is not a stand-in. */
    private static final int[] CHAR_TO_BYTE = new int[256 + 68];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The 256 stand-in characters in CLIP's vocabulary order (not byte order). */
    static char[] vocabularyOrder() {
        char[] out = new char[256];
        int i = 0;
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_CHAR[b] == b) {
                out[i++] = (char) b;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_CHAR[b] != b) {
                out[i++] = BYTE_TO_CHAR[b];
            }
        }
        return out;
    }

    /** UTF-8 encodes {@code text} and replaces every byte by its stand-in character. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * Inverse of {@link #encode}: stand-in characters back to bytes, then UTF-8 decoding with
     * U+FFFD for malformed sequences (a token sequence cut inside a character is legal input).
     */
    static String decode(CharSequence standIns) {
        byte[] bytes = new byte[standIns.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = standIns.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                throw new IllegalArgumentException("not a byte-level character: U+" + Integer.toHexString(c));
            }
            bytes[i] = (byte) b;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
