package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.testutil.RunFiles;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a {@code dpl4j train} process killed with SIGKILL after its first checkpoint
 * resumes when the same command runs again, runs only the epochs left, and ends with exactly the
 * metrics and prompts of an uninterrupted run (same seed).
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
                // not -q, which would silence the log lines that show where the second run resumed
                "--workers", "1", "--threads", "1", "--out", out.toString()));
        return c;
    }

    /** Runs the command to its end and returns what it printed; fails unless it exits with 0. */
    private List<String> runToEnd(Path out) throws Exception {
        Path log = tmp.resolve("log-" + out.getFileName());
        Process p = new ProcessBuilder(command(out)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        // progress bars redraw with carriage returns: each redraw is a line of its own
        List<String> lines = List.of(Files.readString(log).split("[\r\n]+"));
        assertThat(p.exitValue()).as("exit code; output:%n%s", String.join("\n", lines)).isZero();
        return lines;
    }

    @Test
    void sigkillThenResumeEqualsUninterrupted() throws Exception {
        Path straight = tmp.resolve("straight");
        assertThat(RunFiles.epochsLogged(runToEnd(straight), "")).containsExactly("1/4", "2/4", "3/4", "4/4");

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
        // the epochs done are read from the checkpoint: the process may have finished one more before the kill
        int done = Integer.parseInt(Safetensors.metadata(ckpt).get("epoch")) + 1;
        assertThat(done).as("epochs checkpointed before the kill").isBetween(1, 3);

        List<String> second = runToEnd(killed);
        // it really resumed: a restart from scratch would log epochs 1 to 4 and end with the same bytes
        assertThat(second).anyMatch(l -> l.startsWith("resuming train after epoch " + done + " "));
        assertThat(RunFiles.epochsLogged(second, ""))
                .containsExactlyElementsOf(IntStream.rangeClosed(done + 1, 4).mapToObj(e -> e + "/4").toList());
        RunFiles.assertSameTensors(straight.resolve("prompts.safetensors"), killed.resolve("prompts.safetensors"));
        RunFiles.assertSameTensors(straight.resolve("checkpoint.safetensors"), ckpt);
        assertThat(Files.readAllLines(killed.resolve("metrics.jsonl"))).hasSize(4);
        RunFiles.assertSameLines(straight.resolve("metrics.jsonl"), killed.resolve("metrics.jsonl"), RunFiles.WALL_CLOCK);
        RunFiles.assertSameJson(straight.resolve("metrics.json"), killed.resolve("metrics.json"), Set.of());
    }
}
