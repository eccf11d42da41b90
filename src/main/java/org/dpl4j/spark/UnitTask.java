package org.dpl4j.spark;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
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
import org.dpl4j.util.EngineSetup;
import org.dpl4j.util.Progress;

/**
 * One unit on an executor: the {@link Pipeline}'s own unit methods, so the job code, run directory,
 * lock, resume and output are those of {@code dpl4j run}. The lock names the Spark attempt, so a
 * retry or a speculative copy waits for the attempt that holds the run directory and then finds
 * it finished or resumes it.
 */
final class UnitTask {
    private UnitTask() {}

    /**
     * @param searched for a DPL unit, its search's configuration (prompt-config.json's JSON); else null
     */
    static Outcome run(Work w, Pipeline.Unit u, String searched) throws IOException {
        TaskContext tc = TaskContext.get();
        int attempt = tc == null ? 0 : tc.attemptNumber();
        String executor = SparkEnv.get() == null ? "local" : SparkEnv.get().executorId();
        // libtorch's intra-op pool is per JVM and sized when the engine starts: by the first task, to spark.task.cpus
        if (tc != null && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(tc.cpus()));
        }
        EngineSetup.offline();
        // autograd is off by default only on the thread that started the engine; a Spark task runs on its own thread
        ai.djl.engine.Engine.getInstance();
        JniUtils.setGradMode(false);
        AtomicBoolean resumed = new AtomicBoolean();
        Consumer<String> log = FaultHook.wrap(line -> {
            if (line.startsWith("resuming")) {
                resumed.set(true);
            }
            System.err.println("[" + u + "] " + line);
        }, u, attempt);
        String attemptName = "spark " + (tc == null ? "" : "stage " + tc.stageId() + " task " + tc.partitionId() + " ")
                + "attempt " + attempt + " on executor " + executor;
        long start = System.nanoTime();
        ClipModel clip = ExecutorModels.borrow(w);
        try (NDManager m = NDManager.newBaseManager(ExecutorModels.device(w.device()))) {
            Pipeline p = new Pipeline(clip, Path.of(w.model()), Progress.NONE, log, attemptName);
            Pipeline.Plan plan = w.plan();
            ResultsTable.Row row = null; // not Serializable: only its accuracy travels back
            String found = null;
            switch (u.stage()) {
                case BASELINE -> row = p.train(plan, u, p.baselines(plan).get(u.method()), w.outDir(), m, w.command());
                case SEARCH -> found = p.search(plan, u, w.outDir(), m, w.command()).toJson();
                case DPL -> row = p.train(plan, u, Json.LINE.readValue(searched, PromptConfig.class), w.outDir(), m, w.command());
            }
            return new Outcome(u, row == null ? null : row.top1(), found, attempt, resumed.get(), executor, (System.nanoTime() - start) / 1e9, Double.NaN);
        } finally {
            ExecutorModels.giveBack(w, clip);
        }
    }
}
