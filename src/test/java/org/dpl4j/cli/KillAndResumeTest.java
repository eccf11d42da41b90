package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dpl4j.run.Json;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a {@code dpl4j train} process killed with SIGKILL after its first checkpoint
 * resumes when the same command runs again, and ends with exactly the metrics and prompts of
 * an uninterrupted run (same seed).
 */
class KillAndResumeTest {
    @TempDir
    Path tmp;

    private List<String> command(Path out) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "org.dpl4j.cli.Main", "train",
                "--model", Shared.require("golden/tiny-clip").toString(),
                "--dataset", "dtd", "--root", Shared.require("datasets").toString(), "--shots", "2", "--seed", "3",
                "--preset", "uniform-2", "--epochs", "4", "--lr", "0.01", "--text-input", "default",
                "--workers", "1", "--threads", "1", "-q", "--out", out.toString()));
        return c;
    }

    private int runToEnd(Path out) throws Exception {
        Process p = new ProcessBuilder(command(out)).redirectErrorStream(true).redirectOutput(tmp.resolve("log-" + out.getFileName()).toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        return p.exitValue();
    }

    @Test
    void sigkillThenResumeEqualsUninterrupted() throws Exception {
        Path straight = tmp.resolve("straight");
        assertThat(runToEnd(straight)).isZero();

        Path killed = tmp.resolve("killed");
        Process p = new ProcessBuilder(command(killed)).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log-killed-1").toFile()).start();
        Path ckpt = killed.resolve("checkpoint.safetensors");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(p.isAlive()).as("run still going when its first checkpoint appeared").isTrue();
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no cleanup
        p.waitFor();
        assertThat(Files.exists(killed.resolve("metrics.json"))).isFalse();

        assertThat(runToEnd(killed)).isZero();
        JsonNode a = Json.PRETTY.readTree(straight.resolve("metrics.json").toFile());
        JsonNode b = Json.PRETTY.readTree(killed.resolve("metrics.json").toFile());
        assertThat(b.path("test").path("top1").asDouble()).isEqualTo(a.path("test").path("top1").asDouble());
        assertThat(Files.readAllBytes(killed.resolve("prompts.safetensors")))
                .isEqualTo(Files.readAllBytes(straight.resolve("prompts.safetensors")));
        assertThat(Files.readAllLines(killed.resolve("metrics.jsonl"))).hasSize(4);
    }
}
