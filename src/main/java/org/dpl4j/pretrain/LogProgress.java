package org.dpl4j.pretrain;

import java.io.PrintStream;
import org.dpl4j.util.Progress;

/**
 * Progress as plain lines (steps done, rate, time left, status) at most every {@code intervalSeconds}:
 * a pre-training run lasts an hour and usually writes to a log file, where a redrawn bar is noise.
 */
public final class LogProgress implements Progress {
    private final PrintStream out;
    private final String task;
    private final long total;
    private final double intervalSeconds;
    private final long start = System.nanoTime();
    private long done;
    private long startDone = -1;
    private long lastPrint;

    private LogProgress(PrintStream out, String task, long total, double intervalSeconds) {
        this.out = out;
        this.task = task;
        this.total = total;
        this.intervalSeconds = intervalSeconds;
        this.lastPrint = start;
    }

    public static Progress.Factory factory(PrintStream out, double intervalSeconds) {
        return (task, total) -> new LogProgress(out, task, total, intervalSeconds);
    }

    @Override
    public void step(long n, String extra) {
        if (startDone < 0) {
            startDone = done + n; // the first call may jump to a resumed position: not counted in the rate
            done += n;
            return;
        }
        done += n;
        long now = System.nanoTime();
        if ((now - lastPrint) / 1e9 >= intervalSeconds || done == total) {
            lastPrint = now;
            double secs = (now - start) / 1e9;
            double perStep = secs / Math.max(1, done - startDone);
            double left = perStep * (total - done);
            out.printf("%s %d/%d (%.0f%%)  %.2f s/step  %d min left  %s%n", task, done, total, 100.0 * done / total, perStep,
                    Math.round(left / 60), extra == null ? "" : extra);
            out.flush();
        }
    }

    @Override
    public void close() {}
}
