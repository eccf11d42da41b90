package org.dpl4j.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.protocol.ResultsTable;
import org.dpl4j.run.RunDirectory;

/**
 * The driver: runs every unit of a plan as a Spark task and writes the results table of
 * {@code dpl4j run}. Each unit is a job of one task, submitted once the unit it depends on has
 * finished (a DPL train waits for its search and is handed its configuration; everything else is
 * independent), so the executors' cores are shared by all units that are ready. A failed task is
 * retried by Spark (spark.task.maxFailures) and resumes from its run directory; a unit that fails
 * every attempt fails the job, and re-submitting the same command resumes it.
 */
public final class SparkPipeline {
    private final JavaSparkContext sc;
    private final Consumer<String> log;

    public SparkPipeline(JavaSparkContext sc, Consumer<String> log) {
        this.sc = sc;
        this.log = log;
    }

    /** Every unit's outcome and the table, as {@code dpl4j run} writes it. */
    public record Result(ResultsTable table, List<Outcome> outcomes) {}

    public Result run(Work w, SharedFolder.Reader probeReader) throws IOException {
        RunDirectory out = new RunDirectory(w.outDir());
        Pipeline.checkFolder(out);
        out.create();
        SharedFolder.check(sc, w.outDir(), probeReader);
        List<Pipeline.Unit> units = Pipeline.units(w.plan());
        Map<Pipeline.Unit, CompletableFuture<Outcome>> done = new LinkedHashMap<>();
        // driver threads only wait for their unit's job; Spark decides where and when tasks run
        ExecutorService submitters = Executors.newFixedThreadPool(units.size());
        try {
            for (Pipeline.Unit u : units) {
                done.put(u, switch (u.stage()) {
                    case BASELINE, SEARCH -> CompletableFuture.supplyAsync(() -> submit(w, u, null), submitters);
                    case DPL -> done.get(u.searchOf()).thenApplyAsync(s -> submit(w, u, s.searched()), submitters);
                });
            }
            List<Outcome> outcomes = new ArrayList<>();
            ResultsTable table = new ResultsTable();
            for (CompletableFuture<Outcome> f : done.values()) {
                Outcome o = f.join();
                outcomes.add(o);
                if (o.row() != null) {
                    table.add(o.row()); // in the units' order, which is dpl4j run's
                }
            }
            table.write(out);
            log.accept("\n" + table.format());
            return new Result(table, outcomes);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } finally {
            submitters.shutdownNow();
        }
    }

    private Outcome submit(Work w, Pipeline.Unit u, String searched) {
        sc.setLocalProperty("spark.job.description", "dpl4j " + u);
        long start = System.nanoTime();
        Outcome o;
        try {
            o = sc.parallelize(List.of(u), 1).map(x -> UnitTask.run(w, x, searched)).collect().get(0);
        } catch (RuntimeException e) {
            throw new IllegalStateException("unit " + u + " failed on every attempt: " + firstLine(e), e);
        }
        o = o.withJobSeconds((System.nanoTime() - start) / 1e9);
        log.accept(String.format("%s done on executor %s, attempt %d%s: %.1f s in the task, %.1f s from submission", u,
                o.executor(), o.attempt(), o.resumed() ? " (resumed from a checkpoint)" : "", o.seconds(), o.jobSeconds()));
        return o;
    }

    /**
     * Spark logs at INFO through slf4j-simple, the project's logging backend; users want the units'
     * lines and Spark's warnings and errors. Must run before Spark creates its loggers.
     */
    public static void quietLogs() {
        for (String name : new String[] {"org.apache.spark", "org.sparkproject", "org.apache.hadoop", "io.netty"}) {
            String key = "org.slf4j.simpleLogger.log." + name;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        return m.lines().findFirst().orElse(m);
    }
}
