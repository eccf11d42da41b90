package org.dpl4j.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.dpl4j.model.ClipModel;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.protocol.ResultsTable;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.spark.SharedFolder;
import org.dpl4j.spark.SparkPipeline;
import org.dpl4j.spark.Work;
import org.dpl4j.tensor.Placement;
import org.dpl4j.util.EngineSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Spark entry point: {@code spark-submit --class org.dpl4j.cli.SparkMain dpl4j.jar run …} takes
 * exactly the options of {@code dpl4j run} (the same {@link RunCommand}) and runs its units as
 * Spark tasks ({@link SparkPipeline}). The master and resources come from spark-submit; without
 * one ({@code java -cp …}), it runs in local mode on all cores.
 */
@Command(name = "dpl4j-spark", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "The DPL protocol (dpl4j run) as Apache Spark tasks; run directories under --out must be on a"
                + " filesystem every executor mounts at the same path.")
public final class SparkMain {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int run(String... args) {
        EngineSetup.configure();
        SparkPipeline.quietLogs();
        CommandLine cli = new CommandLine(new SparkMain()).addSubcommand("run", new RunCommand(SparkMain::runOnSpark));
        cli.setExecutionExceptionHandler(Main::oneLineError);
        return cli.execute(args);
    }

    static ResultsTable runOnSpark(RunCommand o, String command) throws Exception {
        Pipeline.checkFolder(new RunDirectory(o.out));
        // the driver loads the model once: a wrong path or preset fails here, before any task is submitted
        Placement placement = o.engine.placement();
        try (ClipModel clip = o.model.load(placement)) {
            new Pipeline(clip, o.model.model, o.engine.progress(), Logs.stderr(o.engine.quiet)).baselines(o.plan());
        }
        Work w = Work.of(o.plan(), o.model.model.toAbsolutePath(), o.model.override(), placement, o.out, command);
        SparkConf conf = new SparkConf().setAppName("dpl4j run").setIfMissing("spark.master", "local[*]")
                // the launcher's thread settings (see dpl4j): OpenMP and OpenBLAS workers must not spin
                .setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                .setIfMissing("spark.executorEnv.OPENBLAS_THREAD_TIMEOUT", "10")
                // and its allocator settings: glibc's malloc otherwise page-faults each step's activations in again
                .setIfMissing("spark.executorEnv.MALLOC_MMAP_THRESHOLD_", "33554432")
                .setIfMissing("spark.executorEnv.MALLOC_TRIM_THRESHOLD_", "1073741824")
                // Spark's warnings and the units' lines, not its INFO log: a distribution logs through log4j2, where
                // quietLogs' slf4j-simple settings do nothing (--conf spark.log.level=INFO brings them back)
                .setIfMissing("spark.log.level", "WARN");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            return new SparkPipeline(sc, Logs.stderr(o.engine.quiet)).run(w, SharedFolder.FILES).table();
        }
    }
}
