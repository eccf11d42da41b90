package org.dpl4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.dpl4j.util.AtomicFiles;

/**
 * Checks, before any unit is submitted, that the output folder is one filesystem for the driver
 * and the executors: the driver writes a probe file with random content into it and a task must
 * read the same content at the same path. Run directories, their locks and the searched
 * configurations all rely on that; without it a retried task would not find its checkpoint.
 */
public final class SharedFolder {
    /** What an executor found at the probe's path. */
    public record Seen(String executor, String content) implements Serializable {}

    /** How a task reads the probe (replaced in tests to play an executor that mounts another filesystem). */
    @FunctionalInterface
    public interface Reader extends Serializable {
        /** The file's content, or null when there is no such file. */
        String read(Path file) throws IOException;
    }

    public static final Reader FILES = f -> {
        try {
            return Files.readString(f);
        } catch (NoSuchFileException e) {
            return null;
        }
    };

    private SharedFolder() {}

    /** Fails with one line naming the folder unless a task sees the probe the driver wrote into {@code out}. */
    public static void check(JavaSparkContext sc, Path out, Reader reader) throws IOException {
        String content = UUID.randomUUID().toString();
        Path probe = out.toAbsolutePath().resolve(".dpl4j-shared-probe-" + content);
        AtomicFiles.writeString(probe, content);
        try {
            String path = probe.toString();
            Seen seen = sc.parallelize(List.of(path), 1).map(p -> new Seen(SparkEnv.get().executorId(), reader.read(Path.of(p))))
                    .collect().get(0);
            if (!content.equals(seen.content())) {
                throw new IOException("--out " + out + " is not shared with the executors: executor " + seen.executor()
                        + (seen.content() == null ? " does not see " : " reads other content in ") + probe
                        + ", which the driver wrote; put --out on a filesystem every executor mounts at the same path"
                        + " (NFS, Lustre, a shared volume)");
            }
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
