package org.dpl4j.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader (or a resumed run) never sees a half-written one: the bytes go
 * to a temporary file in the same folder, are forced to disk, and the file is renamed over the
 * target in one step. The temporary file is created as any new file is (the process's umask decides
 * its permissions), not with {@link Files#createTempFile}'s owner-only ones: run directories, models
 * and bundles are made to be read by others (a colleague, a Spark executor, a web server).
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes the content of a file to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = newTemporary(dir, target);
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE);
                    OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code target} with {@code content} unless it exists, in one step: the bytes go to a
     * temporary file that is then hard-linked as the target (link creation is atomic and fails on
     * an existing name, also on NFS), so a reader never sees the file half-written and of two
     * callers racing for one name exactly one wins.
     *
     * @return false when {@code target} already existed (nothing written)
     */
    public static boolean createExclusively(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = newTemporary(dir, target);
        try {
            write(tmp, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
            Files.createLink(target, tmp);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A new empty file beside {@code target} under a name no one else holds, with the umask's permissions. */
    private static Path newTemporary(Path dir, Path target) throws IOException {
        while (true) {
            Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                    + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another writer drew the same name: draw again
            }
        }
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Same as {@link #writeString} for callers in lambdas that cannot throw. */
    public static void writeStringUnchecked(Path target, String content) {
        try {
            writeString(target, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
