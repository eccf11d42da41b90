package org.dpl4j.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.dpl4j.util.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunLock}: one holder at a time, a live owner kept, a dead or silent one taken over. */
class RunLockTest {
    private static final RunLock.Timing FAST =
            new RunLock.Timing(Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofMillis(10));

    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private Path lockFile() {
        return dir.resolve(RunLock.FILE);
    }

    @Test
    void attemptsStartedTogetherHoldTheLockOneAtATime() throws Exception {
        int threads = 4;
        int rounds = 5;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger entries = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String attempt = "attempt-" + t;
            done.add(pool.submit(() -> {
                start.await();
                for (int r = 0; r < rounds; r++) {
                    try (RunLock l = RunLock.acquire(dir, attempt, FAST, log::add)) {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        entries.incrementAndGet();
                        Thread.sleep(5);
                        inside.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(entries).hasValue(threads * rounds);
        assertThat(most).as("holders at once").hasValue(1);
        assertThat(lockFile()).doesNotExist();
        assertThat(log).anyMatch(l -> l.startsWith("waiting for " + lockFile()));
    }

    @Test
    void aLiveOwnerIsNotTakenOverAndItsReleaseFreesTheLock() throws Exception {
        RunLock.Waiter waiter = new RunLock.Waiter(dir, "second", FAST, log::add);
        try (RunLock owner = RunLock.acquire(dir, "first", FAST, log::add)) {
            // 30 looks 50 ms apart span 5 stale timeouts: the heartbeat must keep the lock fresh throughout
            for (int i = 0; i < 30; i++) {
                assertThat(waiter.attempt()).as("look %d while the owner beats", i).isNull();
                Thread.sleep(50);
            }
            assertThat(Files.readString(lockFile())).contains("\"attempt\":\"first\"");
        }
        try (RunLock second = waiter.attempt()) {
            assertThat(second).isNotNull();
            assertThat(Files.readString(lockFile())).contains("\"attempt\":\"second\"");
        }
        assertThat(log).noneMatch(l -> l.startsWith("took over"));
    }

    @Test
    void aSilentOwnerOnAnotherHostIsTakenOverOnceStale() throws Exception {
        assertThat(AtomicFiles.createExclusively(lockFile(), RunLock.ownerRecord("elsewhere", 1, "lost-executor"))).isTrue();
        RunLock.Waiter waiter = new RunLock.Waiter(dir, "retry", FAST, log::add);
        assertThat(waiter.attempt()).as("first look: not yet stale").isNull();
        RunLock got = null;
        for (int i = 0; i < 100 && got == null; i++) {
            Thread.sleep(50);
            got = waiter.attempt();
        }
        assertThat(got).as("lock after 100 looks 50 ms apart (stale after 300 ms)").isNotNull();
        try (RunLock l = got) {
            assertThat(Files.readString(lockFile())).contains("\"attempt\":\"retry\"");
        }
        assertThat(log).anyMatch(l -> l.startsWith("took over " + lockFile() + " from an owner silent") && l.contains("lost-executor"));
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).as("nothing left beside the run").isEmpty();
        }
    }

    @Test
    void aDeadProcessOfThisHostIsTakenOverAtOnce() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(AtomicFiles.createExclusively(lockFile(), RunLock.ownerRecord(RunLock.host(), p.pid(), "killed"))).isTrue();
        RunLock.Timing patient = new RunLock.Timing(Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofMillis(10));
        RunLock.Waiter waiter = new RunLock.Waiter(dir, "retry", patient, log::add);
        RunLock first = waiter.attempt();
        RunLock got = first != null ? first : waiter.attempt();
        assertThat(got).as("lock within two looks, an hour before it would be stale").isNotNull();
        got.close();
        assertThat(log).anyMatch(l -> l.contains("from a process that no longer exists"));
    }

    @Test
    void anOwnerWhoseLockWasTakenOverFailsOnRelease() throws Exception {
        RunLock l = RunLock.acquire(dir, "frozen", FAST, log::add);
        AtomicFiles.writeString(lockFile(), RunLock.ownerRecord("elsewhere", 7, "thief"));
        assertThatThrownBy(l::close).isInstanceOf(IOException.class).hasMessageContaining(lockFile() + " was taken over");
        assertThat(Files.readString(lockFile())).as("the new owner's lock stays").contains("thief");
    }
}
