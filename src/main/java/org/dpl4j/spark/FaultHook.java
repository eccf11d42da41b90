package org.dpl4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.util.AtomicFiles;

/**
 * Test-only fault injection, read in this one place. Both faults strike the first attempt of one
 * unit's task ({@code dataset/seedS/method}, or {@code dataset/seedS/search}) right after its first
 * checkpoint: when the job logs the end of its first epoch, which it does just after writing the
 * checkpoint. Spark then retries the task, which must resume from that checkpoint.
 * <ul>
 *   <li>{@code dpl4j.spark.failUnit}: the task throws (one JVM, {@code local[2,2]}).</li>
 *   <li>{@code dpl4j.spark.holdUnit} with {@code dpl4j.spark.holdFile}: the task writes the file
 *       ({@code pid <executor JVM's pid> executor <id>}) and waits there until its JVM is killed, so a
 *       test on a real cluster knows which process to kill while the task runs (SparkClusterIT).</li>
 * </ul>
 */
final class FaultHook {
    static final String PROPERTY = "dpl4j.spark.failUnit";
    static final String HOLD = "dpl4j.spark.holdUnit";
    static final String HOLD_FILE = "dpl4j.spark.holdFile";

    private FaultHook() {}

    /** Thrown by the hook; a task that dies of it is retried like any failed task. */
    static final class InjectedFault extends RuntimeException {
        InjectedFault(String m) {
            super(m);
        }
    }

    /** {@code log}, or for the named unit's first attempt a log that fails or holds after the first epoch's line. */
    static Consumer<String> wrap(Consumer<String> log, Pipeline.Unit unit, int attempt, String executor) {
        boolean fail = unit.toString().equals(System.getProperty(PROPERTY));
        boolean hold = unit.toString().equals(System.getProperty(HOLD));
        if (attempt > 0 || !(fail || hold)) {
            return log;
        }
        return line -> {
            log.accept(line);
            if (line.startsWith("epoch 1/") || line.startsWith("search epoch 1/")) {
                if (fail) {
                    throw new InjectedFault(PROPERTY + ": attempt 0 of " + unit + " dies after its first checkpoint");
                }
                holdUntilKilled(log, unit, executor);
            }
        };
    }

    private static void holdUntilKilled(Consumer<String> log, Pipeline.Unit unit, String executor) {
        long pid = ProcessHandle.current().pid();
        try {
            AtomicFiles.writeString(Path.of(System.getProperty(HOLD_FILE)), "pid " + pid + " executor " + executor + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.accept(HOLD + ": attempt 0 of " + unit + " holds after its first checkpoint in executor " + executor + " (pid "
                + pid + ") until its JVM is killed");
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InjectedFault(HOLD + ": attempt 0 of " + unit + " was interrupted while it held");
            }
        }
    }
}
