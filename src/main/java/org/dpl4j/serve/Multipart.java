package org.dpl4j.serve;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The image in a {@code multipart/form-data} body (RFC 7578): the part named {@code image} or
 * {@code file}, else the first part with a filename. The body is already in memory (its size is
 * capped before it is read), so a plain byte search suffices.
 */
final class Multipart {
    private Multipart() {}

    /** @throws IllegalArgumentException with a message for the client when the body is not usable */
    static byte[] image(byte[] body, String contentType) {
        String boundary = boundary(contentType);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] partEnd = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] headersEndMark = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        byte[] fallback = null;
        while (at >= 0) {
            int headersStart = at + delimiter.length;
            if (startsWith(body, headersStart, "--")) {
                break; // the closing delimiter
            }
            headersStart += 2; // CRLF after the delimiter
            int headersEnd = indexOf(body, headersEndMark, headersStart);
            if (headersEnd < 0) {
                throw new IllegalArgumentException("malformed multipart body: a part has no end of headers");
            }
            int next = indexOf(body, partEnd, headersEnd + 4);
            if (next < 0) {
                throw new IllegalArgumentException("malformed multipart body: no closing boundary");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1)
                    .toLowerCase(Locale.ROOT);
            byte[] content = Arrays.copyOfRange(body, headersEnd + 4, next);
            if (headers.contains("name=\"image\"") || headers.contains("name=\"file\"")) {
                return content;
            }
            if (fallback == null && headers.contains("filename=")) {
                fallback = content;
            }
            at = next + 2;
        }
        if (fallback == null) {
            throw new IllegalArgumentException("the multipart body has no part named image or file, and no file part");
        }
        return fallback;
    }

    private static String boundary(String contentType) {
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length());
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                if (!b.isEmpty()) {
                    return b;
                }
            }
        }
        throw new IllegalArgumentException("multipart/form-data without a boundary parameter");
    }

    private static boolean startsWith(byte[] a, int from, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return from + b.length <= a.length && Arrays.equals(a, from, from + b.length, b, 0, b.length);
    }

    private static int indexOf(byte[] a, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(from, 0); i <= a.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (a[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
