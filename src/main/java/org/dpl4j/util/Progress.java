package org.dpl4j.util;

/**
 * Progress of long work, reported by the pipeline and shown by the CLI (a bar with ETA) or
 * ignored (tests, library use).
 */
public interface Progress extends AutoCloseable {

    /** Advances by {@code n} units; {@code extra} is a short status such as the running loss. */
    void step(long n, String extra);

    @Override
    void close();

    /** Creates trackers for tasks of known size. */
    @FunctionalInterface
    interface Factory {
        Progress start(String task, long total);
    }

    Factory NONE = (task, total) -> new Progress() {
        @Override
        public void step(long n, String extra) {}

        @Override
        public void close() {}
    };
}
