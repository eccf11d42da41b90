package org.dpl4j.testutil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dpl4j.cli.Main;

/**
 * A finished train run made in seconds for the API, export and server tests: IVLP prompts (text and
 * image) on the golden tiny CLIP, one epoch on two shots of the bundled demo Oxford Pets.
 */
public final class TinyRun {
    public static final Path DEMO = Path.of("demo-data");

    private TinyRun() {}

    /** Trains into {@code out} with the CLIP at {@code model}; fails the test when training fails. */
    public static Path train(Path out, Path model) {
        int code = Main.run("train", "-q", "--model", model.toString(), "--dataset", "oxford_pets", "--root", DEMO.toString(),
                "--shots", "2", "--seed", "1", "--preset", "kv-ivlp", "--epochs", "1", "--lr", "0.01", "--text-input", "default",
                "--workers", "1", "--out", out.toString());
        assertThat(code).as("exit code of dpl4j train into " + out).isZero();
        return out;
    }

    /** A copy of the golden tiny CLIP in {@code dir}, so a test may delete or change it. */
    public static Path modelCopy(Path dir) throws IOException {
        Path src = Shared.require("golden/tiny-clip");
        Path copy = dir.resolve("tiny-clip");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    /** The first {@code n} demo images in name order. */
    public static List<Path> images(int n) throws IOException {
        try (Stream<Path> s = Files.list(DEMO.resolve("oxford_pets/images"))) {
            return s.sorted().limit(n).toList();
        }
    }
}
