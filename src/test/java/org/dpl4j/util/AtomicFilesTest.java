package org.dpl4j.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void writesNewContent() throws IOException {
        Path f = dir.resolve("a/b/c.txt");
        AtomicFiles.writeString(f, "x");
        AtomicFiles.writeString(f, "y");
        assertThat(Files.readString(f)).isEqualTo("y");
    }
}
