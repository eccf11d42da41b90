package org.dpl4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.dpl4j.util.Progress;

/** Progress bars with rate and ETA on stderr (me.tongfei:progressbar). */
final class ConsoleProgress implements Progress {
    private final ProgressBar bar;

    private ConsoleProgress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress.Factory factory(boolean quiet) {
        if (quiet) {
            return Progress.NONE;
        }
        return (task, total) -> new ConsoleProgress(new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build());
    }

    @Override
    public void step(long n, String extra) {
        bar.stepBy(n);
        if (extra != null) {
            bar.setExtraMessage(" " + extra);
        }
    }

    @Override
    public void close() {
        bar.close();
    }
}
