package org.dpl4j.testutil;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only {@code ../shared} folder (golden tensors, datasets) beside the repository.
 * Tests that need it call {@link #require(String)}, which skips the test cleanly when it is absent.
 */
public final class Shared {
    private Shared() {}

    /** The shared folder: {@code $DPL4J_SHARED} if set, else {@code ../shared}. */
    public static Path root() {
        String env = System.getenv("DPL4J_SHARED");
        return (env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared")).toAbsolutePath().normalize();
    }

    /** Returns {@code root().resolve(relative)}, skipping the calling test when it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "shared data not available: " + p);
        return p;
    }
}
