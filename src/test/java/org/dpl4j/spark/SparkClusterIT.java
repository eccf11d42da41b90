package org.dpl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.run.RunLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spark path on a real standalone cluster (issue 26): a master and two workers of one core each,
 * separate JVMs on 127.0.0.1 started from the Spark jars the build resolves ({@link LocalCluster}), and
 * the tiny protocol of {@link SparkPipelineTest} submitted with the README's {@code spark-submit}
 * command, read from README.md and run by bash in the repository (only the master URL, the cores and
 * the memory are this machine's). Executors are JVMs the workers start, so the closures are serialised
 * across processes and every executor loads libtorch's natives itself from the jars {@code --jars} ships.
 *
 * <p>The first attempt of {@link #HELD} stops right after its first checkpoint ({@link FaultHook}'s
 * hold); the test then kills the worker JVM whose executor runs it. The executor goes with its worker,
 * Spark retries the task on the other worker, and the retry resumes from the checkpoint. Every result
 * file then equals, byte for byte, what a sequential {@code dpl4j run} with the same thread count (one)
 * wrote, and every process the test started is gone at the end, also when it fails.
 *
 * <p>Run by {@code mvn -B -q verify -Pspark-cluster} (the profile builds the jar, target/lib and the
 * distribution first); its log and every process's output stay in {@code target/spark-cluster-it}.
 */
class SparkClusterIT {
    static final String HELD = "dtd/seed2/search";
    static final Path WORK = Path.of("target/spark-cluster-it").toAbsolutePath();
    static final Path SPARK_HOME = Path.of("target/spark-home").toAbsolutePath();

    static Path sequential;
    static Path cluster;
    static String seqOut;
    static String driverOut;
    static String driverErr;
    static int exitCode;
    /** executor id -> the worker that started it (from the workers' work folders) */
    static Map<String, String> workerOfExecutor = new TreeMap<>();
    static String killedWorker;
    static String heldExecutor;
    static boolean executorOutlivedItsWorker;
    static List<String> aliveAfterwards;
    static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void runSequentiallyAndOnTheCluster() throws Exception {
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        Files.createDirectories(SPARK_HOME.resolve("bin"));
        for (String script : List.of("spark-class", "spark-submit")) {
            Path to = SPARK_HOME.resolve("bin").resolve(script);
            Files.copy(Path.of("src/test/spark-home/bin").resolve(script), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            to.toFile().setExecutable(true);
        }
        Path root = SparkPipelineTest.datasets(WORK);
        sequential = WORK.resolve("sequential");
        cluster = WORK.resolve("cluster");
        note("load average before: " + loadAverage());

        // the sequential reference: dpl4j run from the packaged jar, one intra-op thread as each task has
        List<String> seq = new ArrayList<>(List.of(java(), "-Xmx2g", "-jar", "target/dpl4j.jar"));
        seq.addAll(List.of(SparkPipelineTest.args(root, sequential)));
        seq.addAll(List.of("--precision", "fp32"));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(seq).redirectError(WORK.resolve("sequential.err").toFile())
                .redirectOutput(WORK.resolve("sequential.out").toFile()).start();
        assertThat(p.waitFor()).as("dpl4j run, see " + WORK.resolve("sequential.err")).isZero();
        note(String.format("sequential dpl4j run --threads 1: %.1f s (load %s)", (System.nanoTime() - t0) / 1e9, loadAverage()));
        seqOut = Files.readString(WORK.resolve("sequential.out"));

        Path holdFile = WORK.resolve("held-task");
        LocalCluster c = null;
        try {
            c = new LocalCluster(SPARK_HOME, WORK.resolve("cluster-logs"), 2, 1, "2g");
            note("cluster: master " + c.masterUrl + ", workers " + c.workers().stream().map(w -> w.name() + " pid " + w.pid())
                    .collect(Collectors.joining(", ")));
            String submit = readmeSubmit(c.masterUrl, root, holdFile);
            note("submitted: " + submit);
            long s0 = System.nanoTime();
            LocalCluster.Daemon driver = c.run("spark-submit", List.of("bash", "-c", submit + " 2> \"" + WORK.resolve("driver.err")
                    + "\""), Path.of("").toAbsolutePath());
            c.await("the first attempt of " + HELD + " holds after its first checkpoint", () -> Files.exists(holdFile));
            Matcher m = Pattern.compile("pid (\\d+) executor (\\S+)").matcher(Files.readString(holdFile));
            assertThat(m.find()).as(holdFile + " names the executor").isTrue();
            long executorPid = Long.parseLong(m.group(1));
            heldExecutor = m.group(2);
            LocalCluster.Daemon worker = c.workerOf(executorPid);
            assertThat(worker).as("the worker whose JVM started executor pid " + executorPid).isNotNull();
            killedWorker = worker.name();
            ProcessHandle executor = ProcessHandle.of(executorPid).orElseThrow();
            note("killing " + worker.name() + " (pid " + worker.pid() + ") while its executor " + heldExecutor + " (pid " + executorPid
                    + ") runs " + HELD + " (attempt 0, held after its first checkpoint)");
            c.kill(worker);
            exitCode = driver.process().waitFor();
            executorOutlivedItsWorker = executor.isAlive();
            note("executor " + heldExecutor + " (pid " + executorPid + ") " + (executorOutlivedItsWorker ? "is still alive"
                    : "exited with its worker"));
            note(String.format("spark-submit on the 2-worker cluster: %.1f s, exit code %d (load %s)", (System.nanoTime() - s0) / 1e9,
                    exitCode, loadAverage()));
            workerOfExecutor = executorsOfWorkers(WORK.resolve("cluster-logs"));
        } finally {
            if (c != null) {
                c.close();
                // what the cluster knows it started, and, in case it lost track of one, every process under this JVM
                List<ProcessHandle> alive = Stream.concat(c.alive().stream(), ProcessHandle.current().descendants())
                        .filter(ProcessHandle::isAlive).distinct().toList();
                aliveAfterwards = alive.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList();
                alive.forEach(ProcessHandle::destroyForcibly); // reported by the test, and stopped all the same
            }
        }
        driverOut = Files.readString(WORK.resolve("cluster-logs/spark-submit.log"));
        driverErr = Files.readString(WORK.resolve("driver.err"));
        for (String line : driverErr.lines().toList()) {
            if (line.contains(" done on executor ")) {
                Matcher e = Pattern.compile(" done on executor (\\S+),").matcher(line);
                note(line + (e.find() ? "  [" + workerOfExecutor.getOrDefault(e.group(1), "?") + "]" : ""));
            }
        }
        for (Path log : executorLogs(WORK.resolve("cluster-logs"))) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("[" + HELD + "]") && (line.contains("task started") || line.contains("resuming")
                        || line.contains("holds after") || line.contains("search epoch"))) {
                    note(WORK.relativize(log) + ": " + line);
                }
            }
        }
        Files.write(WORK.resolve("report.txt"), report, StandardCharsets.UTF_8);
    }

    /**
     * The README's spark-submit command (its "Scaling out on Apache Spark" block) with this cluster's
     * master, one core and one task slot per executor, 1 GB executors, the held task's properties and
     * the tiny protocol's arguments instead of the README's example ones.
     */
    static String readmeSubmit(String master, Path root, Path holdFile) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher block = Pattern.compile("(?s)\\nspark-submit (.*?target/dpl4j\\.jar) run ").matcher(readme);
        assertThat(block.find()).as("README.md's spark-submit command").isTrue();
        String cmd = "spark-submit " + block.group(1).replace("\\\n", " ").replaceAll("\\s+", " ");
        String[][] swaps = {
            {"--master \\S+", "--master " + master},
            {"spark\\.executor\\.cores=\\d+", "spark.executor.cores=1"},
            {"spark\\.task\\.cpus=\\d+", "spark.task.cpus=1"},
            {"--executor-memory \\S+", "--executor-memory 1g"}};
        for (String[] s : swaps) {
            assertThat(cmd).as("README.md's spark-submit command").containsPattern(s[0]);
            cmd = cmd.replaceAll(s[0], Matcher.quoteReplacement(s[1]));
        }
        String held = "--conf spark.ui.enabled=false --conf 'spark.executor.extraJavaOptions=-D" + FaultHook.HOLD + "=" + HELD
                + " -D" + FaultHook.HOLD_FILE + "=" + holdFile + "' ";
        cmd = cmd.replace(" target/dpl4j.jar", " " + held + "target/dpl4j.jar");
        List<String> args = new ArrayList<>(List.of(SparkPipelineTest.args(root, WORK.resolve("cluster"))));
        args.remove("-q"); // the units' log lines show where each ran
        args.addAll(List.of("--precision", "fp32"));
        return cmd + " " + args.stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
    }

    @Test
    void theSubmissionSucceeded() {
        assertThat(exitCode).as(driverErr).isZero();
    }

    @Test
    void theHeldTaskWasRetriedOnTheOtherWorkerAndResumedFromItsCheckpoint() throws IOException {
        String done = driverErr.lines().filter(l -> l.startsWith(HELD + " done on executor ")).findFirst().orElseThrow(
                () -> new AssertionError("no line of " + HELD + " being done in " + WORK.resolve("driver.err")));
        assertThat(done).contains("attempt 1 (resumed from a checkpoint)");
        Matcher e = Pattern.compile(" done on executor (\\S+),").matcher(done);
        assertThat(e.find()).isTrue();
        assertThat(workerOfExecutor.get(heldExecutor)).isEqualTo(killedWorker);
        assertThat(workerOfExecutor.get(e.group(1))).as("the worker of the retry").isNotNull().isNotEqualTo(killedWorker);
        String retryLog = Files.readString(executorLog(e.group(1)));
        assertThat(retryLog.lines()).anyMatch(l -> l.startsWith("[" + HELD + "] resuming search after epoch 1"));
    }

    @Test
    void everyOtherUnitRanOnceOnOneOfTheWorkers() {
        for (Pipeline.Unit u : SparkPipelineTest.units()) {
            if (!u.toString().equals(HELD)) {
                assertThat(driverErr.lines()).as(u.toString()).anyMatch(l -> l.startsWith(u + " done on executor ") && l.contains("attempt 0:"));
            }
        }
        assertThat(workerOfExecutor.values()).as("executors of both workers").contains("worker1", "worker2");
    }

    @Test
    void everyResultFileEqualsTheSequentialRunsByteForByte() throws IOException {
        assertThat(driverOut).as("the printed table").contains(seqOut.strip());
        List<String> compared = SparkPipelineTest.sameResults(sequential, cluster);
        assertThat(compared).contains(HELD + "/metrics.json");
        assertThat(SparkPipelineTest.files(cluster).keySet()).isEqualTo(SparkPipelineTest.files(sequential).keySet())
                .noneMatch(f -> f.endsWith(RunLock.FILE) || f.contains("probe") || f.endsWith(".tmp"));
        note("byte comparison: " + compared.size() + " result files equal to the sequential run's");
    }

    @Test
    void theExecutorWentWithItsWorker() {
        assertThat(executorOutlivedItsWorker).as("executor " + heldExecutor + " alive after its worker was killed").isFalse();
    }

    @Test
    void noProcessOfTheClusterOutlivesIt() {
        assertThat(aliveAfterwards).as("processes alive after the cluster closed").isEmpty();
    }

    private static Path executorLog(String executor) throws IOException {
        return executorLogs(WORK.resolve("cluster-logs")).stream().filter(p -> p.getParent().getFileName().toString().equals(executor))
                .findFirst().orElseThrow(() -> new AssertionError("no log of executor " + executor));
    }

    /** {@code <worker work dir>/<app id>/<executor id>/stderr} of every executor. */
    private static List<Path> executorLogs(Path logs) throws IOException {
        try (Stream<Path> s = Files.walk(logs)) {
            return s.filter(p -> p.getFileName().toString().equals("stderr") && p.getNameCount() - logs.getNameCount() == 4).sorted()
                    .toList();
        }
    }

    private static Map<String, String> executorsOfWorkers(Path logs) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path log : executorLogs(logs)) {
            out.put(log.getParent().getFileName().toString(), logs.relativize(log).getName(0).toString());
        }
        return out;
    }

    private static void note(String line) {
        System.out.println("[SparkClusterIT] " + line);
        report.add(line);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
