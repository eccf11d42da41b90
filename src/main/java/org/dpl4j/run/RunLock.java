package org.dpl4j.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.dpl4j.util.AtomicFiles;

/**
 * Exclusive right to write one run directory, held by one attempt at a time: two processes, two
 * Spark attempts of one task (a retry racing a straggler, a speculative copy) or two threads never
 * write one run at once. The lock is the file {@link #FILE} in the directory, created atomically
 * ({@link AtomicFiles#createExclusively}) with its owner (host, pid, attempt, a nonce). While held,
 * a heartbeat touches its modification time every {@link Timing#heartbeat}.
 *
 * <p>A dead owner's lock is taken over: at once when the owner is a process of this host that no
 * longer exists; otherwise once a waiter has seen the lock unchanged (content and modification
 * time) for {@link Timing#staleAfter} by its own clock, so hosts' clocks need not agree. The
 * takeover renames the lock aside (of two waiters only one rename succeeds) and puts it back if it
 * turns out to have been touched meanwhile. An owner frozen for longer than {@code staleAfter}
 * (a stopped process) can lose its lock; its heartbeat notices and {@link #close} then fails.
 * The runs are deterministic and every file is written atomically, so even then no file is torn
 * and both writers write the same bytes.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = "run.lock";

    /** How often the owner proves it is alive, and how long a silent lock is trusted. */
    public record Timing(Duration heartbeat, Duration staleAfter, Duration poll) {
        /** Heartbeat every 10 s, stale after 2 min of silence, a waiter looks every 2 s. */
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofSeconds(2));

        public Timing {
            if (staleAfter.compareTo(heartbeat.multipliedBy(3)) < 0) {
                throw new IllegalArgumentException("lock staleAfter " + staleAfter + " must be at least 3 heartbeats (" + heartbeat + ")");
            }
        }
    }

    private static final String HOST = hostName();

    private final Path file;
    private final String content;
    /** The outermost folder the lock had to create, removed again on release while empty; null when the folder existed. */
    private final Path created;
    private final ScheduledExecutorService heartbeat;
    private volatile String lost;

    private RunLock(Path file, String content, Path created, Timing timing) {
        this.file = file;
        this.content = content;
        this.created = created;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-lock " + file);
            t.setDaemon(true);
            return t;
        });
        long ms = timing.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock of {@code dir} (created if missing), waiting while another live attempt holds it.
     *
     * @param attempt names this attempt in the lock file and in other attempts' messages
     */
    public static RunLock acquire(Path dir, String attempt, Timing timing, Consumer<String> log)
            throws IOException, InterruptedException {
        Waiter w = new Waiter(dir, attempt, timing, log);
        while (true) {
            RunLock l = w.attempt();
            if (l != null) {
                return l;
            }
            Thread.sleep(timing.poll().toMillis());
        }
    }

    /** Work done under a lock. */
    @FunctionalInterface
    public interface Job<T> {
        T run() throws IOException;
    }

    /** Runs {@code job} holding the lock of {@code dir} (default timing), waiting for it first if another attempt holds it. */
    public static <T> T holding(Path dir, String attempt, Consumer<String> log, Job<T> job) throws IOException {
        RunLock lock;
        try {
            lock = acquire(dir, attempt, Timing.DEFAULT, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for " + dir.resolve(FILE));
        }
        try (lock) {
            return job.run();
        }
    }

    /** The owner's record, as the lock file holds it (a JSON object). */
    static String ownerRecord(String host, long pid, String attempt) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("host", host);
        o.put("pid", pid);
        o.put("attempt", attempt);
        o.put("nonce", UUID.randomUUID().toString());
        try {
            return Json.LINE.writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One waiter's view of a lock: {@link #attempt} takes it when free, dead or stale, else remembers
     * what it saw, so that a lock seen unchanged for {@code staleAfter} counts as abandoned.
     */
    static final class Waiter {
        private final Path dir;
        private final Path file;
        private final String attempt;
        private final Timing timing;
        private final Consumer<String> log;
        private Seen seen;
        private long seenSince;

        Waiter(Path dir, String attempt, Timing timing, Consumer<String> log) {
            this.dir = dir;
            this.file = dir.resolve(FILE);
            this.attempt = attempt;
            this.timing = timing;
            this.log = log;
        }

        /** The lock if this attempt now holds it, else null. */
        RunLock attempt() throws IOException {
            Path created = null;
            for (Path d = dir.toAbsolutePath(); d != null && !Files.isDirectory(d); d = d.getParent()) {
                created = d;
            }
            Files.createDirectories(dir);
            String mine = ownerRecord(HOST, ProcessHandle.current().pid(), attempt);
            if (AtomicFiles.createExclusively(file, mine)) {
                return new RunLock(file, mine, created, timing);
            }
            Seen now = Seen.of(file);
            if (now == null) {
                return null; // released between the two looks: try again
            }
            if (!now.equals(seen)) {
                if (seen == null) {
                    log.accept("waiting for " + file + ", held by " + now.content.strip());
                }
                seen = now;
                seenSince = System.nanoTime();
            }
            boolean dead = now.deadOnThisHost();
            if (dead || System.nanoTime() - seenSince >= timing.staleAfter().toNanos()) {
                if (takeOver(now)) {
                    log.accept("took over " + file + " from " + (dead ? "a process that no longer exists" : "an owner silent for "
                            + timing.staleAfter().toSeconds() + " s") + ": " + now.content.strip());
                    seen = null;
                }
            }
            return null;
        }

        /** Removes the lock if it still is the one seen; true when it was. */
        private boolean takeOver(Seen stale) throws IOException {
            Path aside = dir.resolve("." + FILE + "." + UUID.randomUUID() + ".stale");
            try {
                // the atomic step: of two waiters taking over, only one finds the file to rename
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                return false;
            }
            Seen moved = Seen.of(aside);
            boolean same = stale.equals(moved);
            if (!same && moved != null) {
                try {
                    Files.createLink(file, aside); // it came alive meanwhile: give it back, unless someone else holds it now
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    log.accept(file + ": a lock touched during the takeover was replaced by another attempt's");
                }
            }
            Files.deleteIfExists(aside);
            return same;
        }
    }

    /** A lock file's content and modification time at one look. */
    private record Seen(String content, FileTime modified) {
        static Seen of(Path f) throws IOException {
            try {
                return new Seen(Files.readString(f), Files.getLastModifiedTime(f));
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        /** The owner is a process of this host that has exited (pids are per host). */
        boolean deadOnThisHost() {
            try {
                var o = Json.LINE.readTree(content);
                return HOST.equals(o.path("host").asText()) && o.path("pid").canConvertToLong()
                        && ProcessHandle.of(o.path("pid").asLong()).isEmpty();
            } catch (IOException e) {
                return false; // unreadable: only staleness can free it
            }
        }
    }

    private void beat() {
        try {
            if (!content.equals(readOrNull())) {
                lost = file + " was taken over by another attempt while this one held it (frozen longer than the stale timeout?)";
                heartbeat.shutdown();
                return;
            }
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            lost = file + ": heartbeat failed: " + e.getMessage();
            heartbeat.shutdown();
        }
    }

    private String readOrNull() throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Releases the lock; fails when it was lost while held (another attempt may have written too). */
    @Override
    public void close() throws IOException {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lost == null && Objects.equals(content, readOrNull())) {
            Files.delete(file);
            removeEmptyFolders();
        } else {
            throw new IOException(lost != null ? lost : file + " was taken over by another attempt while this one held it");
        }
    }

    /** This host's name as lock files record it. */
    static String host() {
        return HOST;
    }

    /** A job that failed before writing anything leaves no folder behind, as it did before it took a lock. */
    private void removeEmptyFolders() throws IOException {
        if (created == null) {
            return;
        }
        for (Path d = file.toAbsolutePath().getParent(); d != null && d.startsWith(created); d = d.getParent()) {
            try {
                Files.delete(d);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                return;
            }
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return Objects.requireNonNullElse(System.getenv("HOSTNAME"), "unknown-host");
        }
    }
}
