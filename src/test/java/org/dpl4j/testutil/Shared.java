package org.dpl4j.testutil;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only {@code ../shared} folder (golden tensors, datasets) beside the repository.
 * Tests that need it call {@link #require(String)}, which skips the test cleanly when it is absent,
 * except where {@code DPL4J_REQUIRE_SHARED} is set (CI sets it): there a missing file fails the
 * test, so a green CI run cannot hide parity tests that never ran.
 */
public final class Shared {
    private Shared() {}

    /** The shared folder: {@code $DPL4J_SHARED} if set, else {@code ../shared}. */
    public static Path root() {
        String env = System.getenv("DPL4J_SHARED");
        return (env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared")).toAbsolutePath().normalize();
    }

    /**
     * Returns {@code root().resolve(relative)}; when it does not exist the calling test is skipped,
     * or fails if {@code DPL4J_REQUIRE_SHARED} is set.
     */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        String required = System.getenv("DPL4J_REQUIRE_SHARED");
        if (required != null && !required.isBlank()) {
            assertTrue(Files.exists(p), "shared data required (DPL4J_REQUIRE_SHARED) but missing: " + p);
        } else {
            assumeTrue(Files.exists(p), "shared data not available: " + p);
        }
        return p;
    }
}
