package org.dpl4j.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several files in one fuzz input: the files' bytes joined by {@link #SEPARATOR}, so that a seed is
 * real files concatenated (readable, and made by {@link #join}) and the fuzzer mutates all of them at
 * once. Missing trailing parts are empty files.
 */
public final class FuzzFiles {
    /**
     * Between two files; fuzz targets list it as a dictionary entry so that mutations can add and remove it
     * (no line break in it: libFuzzer's dictionary files cannot hold one).
     */
    public static final String SEPARATOR = "@@dpl4j-fuzz-next-file@@";
    private static final byte[] SEP = SEPARATOR.getBytes(StandardCharsets.US_ASCII);

    private FuzzFiles() {}

    /** The first {@code n} files of {@code data} (the rest of the input goes into the last). */
    public static List<byte[]> split(byte[] data, int n) {
        List<byte[]> out = new ArrayList<>(n);
        int from = 0;
        for (int i = 0; i < n - 1; i++) {
            int at = indexOf(data, from);
            if (at < 0) {
                out.add(Arrays.copyOfRange(data, from, data.length));
                from = data.length;
            } else {
                out.add(Arrays.copyOfRange(data, from, at));
                from = at + SEP.length;
            }
        }
        out.add(Arrays.copyOfRange(data, from, data.length));
        return out;
    }

    /** The input {@link #split} takes apart again: for seeds. */
    public static byte[] join(byte[]... files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < files.length; i++) {
            if (i > 0) {
                out.writeBytes(SEP);
            }
            out.writeBytes(files[i]);
        }
        return out.toByteArray();
    }

    /** Writes {@code bytes} to {@code file}, replacing it (fuzz targets rewrite the same files every execution). */
    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** Deletes {@code dir} and everything under it (a fuzz target's scratch folder). */
    public static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static int indexOf(byte[] a, int from) {
        outer:
        for (int i = from; i <= a.length - SEP.length; i++) {
            for (int j = 0; j < SEP.length; j++) {
                if (a[i + j] != SEP[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
