package org.dpl4j.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failure while writing leaves the previous file intact and no temporary file behind. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void failedWriteKeepsPreviousContent() throws IOException {
        Path f = dir.resolve("metrics.json");
        AtomicFiles.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessageContaining(f.toString()).hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("metrics.json");
        }
    }

    /** Files.createTempFile would make every run file owner-only (rw-------); a file written here is as any new one. */
    @Test
    void writtenFilesHaveTheUmasksPermissionsLikeAnyNewFile() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path f = dir.resolve("run.json");
        AtomicFiles.writeString(f, "{}");
        Path created = dir.resolve("created");
        assertThat(AtomicFiles.createExclusively(created, "x")).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
    }

    @Test
    void writesNewContent() throws IOException {
        Path f = dir.resolve("a/b/c.txt");
        AtomicFiles.writeString(f, "x");
        AtomicFiles.writeString(f, "y");
        assertThat(Files.readString(f)).isEqualTo("y");
    }
}
