package org.dpl4j.spark;

import java.util.function.Consumer;
import org.dpl4j.protocol.Pipeline;

/**
 * Test-only fault injection, read in this one place: with the system property
 * {@code dpl4j.spark.failUnit} naming a unit ({@code dataset/seedS/method}, or
 * {@code dataset/seedS/search}), the first attempt of that unit's task dies right after its first
 * checkpoint: when the job logs the end of its first epoch, which it does just after writing the
 * checkpoint. Spark then retries the task, which must resume from that checkpoint.
 */
final class FaultHook {
    static final String PROPERTY = "dpl4j.spark.failUnit";

    private FaultHook() {}

    /** Thrown by the hook; a task that dies of it is retried like any failed task. */
    static final class InjectedFault extends RuntimeException {
        InjectedFault(String m) {
            super(m);
        }
    }

    /** {@code log}, or for the named unit's first attempt a log that throws after the first epoch's line. */
    static Consumer<String> wrap(Consumer<String> log, Pipeline.Unit unit, int attempt) {
        String target = System.getProperty(PROPERTY);
        if (attempt > 0 || target == null || !target.equals(unit.toString())) {
            return log;
        }
        return line -> {
            log.accept(line);
            if (line.startsWith("epoch 1/") || line.startsWith("search epoch 1/")) {
                throw new InjectedFault(PROPERTY + ": attempt 0 of " + unit + " dies after its first checkpoint");
            }
        };
    }
}
