package org.dpl4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A Spark standalone cluster on 127.0.0.1 for {@link SparkClusterIT}: a master and workers, each a JVM
 * started the way a Spark distribution's scripts start them ({@code bin/spark-class}, whose command
 * line Spark's own launcher builds), from the distribution the spark-cluster profile assembles in
 * {@code target/spark-home}. Every process it starts, and every process those start (the executors
 * a worker launches), is remembered and killed by {@link #close()}, whatever happened before.
 */
final class LocalCluster implements AutoCloseable {
    /** A started JVM: its name in logs, the process, and where its stdout and stderr go. */
    record Daemon(String name, Process process, Path log) {
        long pid() {
            return process.pid();
        }
    }

    private final Path sparkHome;
    private final Path dir;
    private final List<Daemon> daemons = new ArrayList<>();
    /** Processes started by the daemons (executors), remembered while their parent lives: a killed worker orphans them. */
    private final List<ProcessHandle> children = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    final String masterUrl;
    private final Daemon master;
    private final List<Daemon> workers = new ArrayList<>();
    private final List<Daemon> killed = new ArrayList<>();

    /** Starts the master, then {@code workers} workers of {@code cores} cores and {@code memory} each, and waits until all registered. */
    LocalCluster(Path sparkHome, Path dir, int workers, int cores, String memory) throws IOException {
        this.sparkHome = sparkHome.toAbsolutePath();
        this.dir = Files.createDirectories(dir.toAbsolutePath());
        env.put("SPARK_HOME", this.sparkHome.toString());
        env.put("SPARK_LOG_DIR", this.dir.toString());
        // every JVM binds 127.0.0.1 (the driver would otherwise take this host's first non-loopback address)
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        // the launcher's thread settings (see dpl4j): libtorch's OpenMP threads must not spin on this shared machine
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.put("OPENBLAS_THREAD_TIMEOUT", "10");
        try {
            int port = freePort();
            masterUrl = "spark://127.0.0.1:" + port;
            master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    Integer.toString(port), "--webui-port", Integer.toString(freePort())));
            for (int i = 1; i <= workers; i++) {
                Path work = Files.createDirectories(this.dir.resolve("worker" + i));
                this.workers.add(start("worker" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--webui-port", Integer.toString(freePort()), "--cores", Integer.toString(cores), "--memory", memory,
                        "--work-dir", work.toString(), masterUrl)));
            }
            await("every worker registered with the master", () -> count(master.log(), "Registering worker") >= workers);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The distribution's bin/spark-class running {@code mainClass args...}, as a daemon of this cluster. */
    private Daemon start(String name, List<String> classAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(sparkHome.resolve("bin/spark-class").toString());
        cmd.addAll(classAndArgs);
        return run(name, cmd, Path.of("").toAbsolutePath());
    }

    /** Runs {@code cmd} in {@code cwd} with the cluster's environment; stdout and stderr go to {@code <dir>/<name>.log}. */
    Daemon run(String name, List<String> cmd, Path cwd) throws IOException {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("PATH", sparkHome.resolve("bin") + java.io.File.pathSeparator + System.getenv("PATH"));
        Daemon d = new Daemon(name, pb.start(), log);
        daemons.add(d);
        return d;
    }

    List<Daemon> workers() {
        return List.copyOf(workers);
    }

    /** The worker whose JVM is {@code pid}'s parent (an executor's worker), or null. */
    Daemon workerOf(long pid) {
        long parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
        return workers.stream().filter(w -> w.pid() == parent).findFirst().orElse(null);
    }

    /** Kills {@code worker}'s JVM (SIGKILL), remembering the executors it started so that {@link #close} stops them too. */
    void kill(Daemon worker) throws InterruptedException {
        rememberChildren();
        killed.add(worker);
        worker.process().destroyForcibly();
        worker.process().waitFor();
    }

    /** Every process this cluster started, daemons and their executors, that is still alive. */
    List<ProcessHandle> alive() {
        rememberChildren();
        List<ProcessHandle> out = new ArrayList<>();
        daemons.forEach(d -> {
            if (d.process().isAlive()) {
                out.add(d.process().toHandle());
            }
        });
        children.stream().filter(ProcessHandle::isAlive).forEach(out::add);
        return out;
    }

    private void rememberChildren() {
        for (Daemon d : daemons) {
            d.process().descendants().filter(h -> !children.contains(h)).forEach(children::add);
        }
    }

    /** Waits until {@code done} holds; fails at once when a process of the cluster died on the way. */
    void await(String what, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            for (Daemon d : daemons) {
                if (!d.process().isAlive() && !killed.contains(d)) {
                    throw new IllegalStateException("waiting until " + what + ": " + d.name() + " exited with "
                            + d.process().exitValue() + "; see " + d.log());
                }
            }
            sleep(200);
        }
    }

    static int count(Path log, String text) {
        try {
            return Files.exists(log) ? (int) Files.readAllLines(log).stream().filter(l -> l.contains(text)).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Kills the executors first (their workers would otherwise restart nothing, but they must not outlive the test), then every daemon. */
    @Override
    public void close() {
        rememberChildren();
        children.forEach(ProcessHandle::destroyForcibly);
        for (int i = daemons.size() - 1; i >= 0; i--) {
            daemons.get(i).process().destroyForcibly();
        }
        for (Daemon d : daemons) {
            try {
                d.process().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        children.forEach(h -> h.onExit().join());
    }
}
