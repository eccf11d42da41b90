package org.dpl4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.protocol.ResultsTable;
import org.dpl4j.run.Json;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Torch;
import org.dpl4j.util.EngineSetup;
import org.dpl4j.util.Progress;

/**
 * One unit on an executor: the {@link Pipeline}'s own unit methods, so the job code, run directory,
 * lock, resume and output are those of {@code dpl4j run}. The lock names the Spark attempt, so a
 * retry or a speculative copy waits for the attempt that holds the run directory and then finds
 * it finished or resumes it. Several tasks of one executor may run at once, each on its own thread
 * (autograd is per thread), sharing the executor's frozen CLIP ({@link ExecutorModels}).
 */
final class UnitTask {
    private static boolean threadsSet;

    private UnitTask() {}

    /**
     * @param searched for a DPL unit, its search's configuration (prompt-config.json's JSON); else null
     */
    static Outcome run(Work w, Pipeline.Unit u, String searched) throws IOException {
        TaskContext tc = TaskContext.get();
        int attempt = tc == null ? 0 : tc.attemptNumber();
        String executor = SparkEnv.get() == null ? "local" : SparkEnv.get().executorId();
        EngineSetup.configure();
        intraOpThreads(tc);
        AtomicBoolean resumed = new AtomicBoolean();
        Consumer<String> log = FaultHook.wrap(line -> {
            if (line.startsWith("resuming")) {
                resumed.set(true);
            }
            System.err.println("[" + u + "] " + line);
        }, u, attempt, executor);
        String attemptName = "spark " + (tc == null ? "" : "stage " + tc.stageId() + " task " + tc.partitionId() + " ")
                + "attempt " + attempt + " on executor " + executor;
        long start = System.nanoTime();
        // wall-clock times, so that the driver's log shows which units ran at the same time
        log.accept("task started at " + java.time.LocalTime.now() + " on " + Thread.currentThread().getName() + ", attempt "
                + attempt + " in executor " + executor + " (pid " + ProcessHandle.current().pid() + ")");
        ClipModel clip = ExecutorModels.get(w);
        try (Scope s = Scope.open()) {
            Pipeline p = new Pipeline(clip, Path.of(w.model()), Progress.NONE, log, attemptName);
            Pipeline.Plan plan = w.plan();
            ResultsTable.Row row = null; // not Serializable: only its accuracy travels back
            String found = null;
            switch (u.stage()) {
                case BASELINE -> row = p.train(plan, u, p.baselines(plan).get(u.method()), w.outDir(), w.command());
                case SEARCH -> found = p.search(plan, u, w.outDir(), w.command()).toJson();
                case DPL -> row = p.train(plan, u, Json.LINE.readValue(searched, PromptConfig.class), w.outDir(), w.command());
            }
            log.accept("task finished at " + java.time.LocalTime.now());
            return new Outcome(u, row == null ? null : row.top1(), found, attempt, resumed.get(), executor, (System.nanoTime() - start) / 1e9, Double.NaN);
        }
    }

    /**
     * libtorch's intra-op thread count is per process: set once, by the first task, to
     * spark.task.cpus, so that the executor's concurrent tasks together use about its cores.
     */
    private static synchronized void intraOpThreads(TaskContext tc) {
        if (!threadsSet && tc != null) {
            Torch.threads(tc.cpus());
            threadsSet = true;
        }
    }
}
