package org.dpl4j.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.dpl4j.data.SampleTransform;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.data.image.DecodeOrder;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.Torch;
import org.dpl4j.util.EngineSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Pre-trains the small CLIP of {@link PretrainSettings#defaults} on the shared Caltech101, ImageNet
 * and CIFAR-10 train splits within a time budget:
 * <pre>
 *   java -cp "target/classes:target/lib/*" org.dpl4j.pretrain.PretrainMain --out runs/pretrain \
 *        --shared ../shared/datasets --minutes 75
 * </pre>
 * Without {@code --epochs}, the epochs are planned from a short benchmark of the real step
 * ({@link EpochPlan}); the budget is also a deadline, at which the run checkpoints and stops. Running
 * the same command again on the same {@code --out} resumes (with the epochs recorded in its
 * {@code run.json}). The model ends up in {@code OUT/model}.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Contrastive pre-training of a small CLIP from scratch on image-caption pairs.")
public final class PretrainMain implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "run folder (resumed when it holds a checkpoint)")
    Path out;

    @Option(names = "--shared", defaultValue = "../shared/datasets",
            description = "folder with caltech-101, imagenet and cifar10. Default: ${DEFAULT-VALUE}.")
    Path shared;

    @Option(names = "--minutes", defaultValue = "75",
            description = "time budget of this command; epochs are planned to fit it. Default: ${DEFAULT-VALUE}.")
    double minutes;

    @Option(names = "--epochs", description = "fixed number of epochs instead of planning them from --minutes")
    Integer epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--workers", defaultValue = "2", description = "image decoding threads. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--checkpoint-every", defaultValue = "50",
            description = "steps between checkpoints inside an epoch. Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = "--benchmark", description = "only time this many training steps (after 2 warm-up steps) and exit")
    Integer benchmarkSteps;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code; errors are one line naming what is at fault. */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.err, true), args);
    }

    /** As {@link #run(String...)}, with errors written to {@code err}. */
    static int run(java.io.PrintWriter err, String... args) {
        EngineSetup.configure();
        CommandLine cli = new CommandLine(new PretrainMain());
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (System.getenv("DPL4J_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            Throwable t = e;
            while (t.getMessage() == null && t.getCause() != null) {
                t = t.getCause();
            }
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            cmd.getErr().println("dpl4j pretrain: error: " + msg.lines().findFirst().orElse(msg));
            cmd.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        Instant start = Instant.now();
        Instant deadline = start.plus(Duration.ofMillis((long) (minutes * 60_000)));
        if (threads != null) {
            Torch.threads(threads);
        }
        PrintStream log = System.err;
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            log.println("note: OMP_WAIT_POLICY is not set; on a shared machine run with OMP_WAIT_POLICY=PASSIVE, or"
                    + " libtorch's threads spin while waiting for a descheduled partner and steps get several times slower");
        }
        shared = shared.toAbsolutePath().normalize();
        RunDirectory run = new RunDirectory(out);
        Integer recorded = recordedEpochs(run);
        int planned = epochs != null ? epochs : recorded != null ? recorded : 1;
        PretrainSettings settings = PretrainSettings.defaults(shared, planned);
        settings = new PretrainSettings(settings.model(), settings.datasets(), planned, batchSize, settings.lr(),
                settings.weightDecay(), settings.warmupSteps(), seed, settings.templates(), checkpointEvery, workers,
                settings.badImages());
        CaptionedData data = CaptionedData.load(settings.datasets(), settings.templates(), settings.seed());
        data.sources().forEach(s -> log.println("data: " + s));
        log.printf("data: %d images, %d classes, %d templates%n", data.samples().size(), data.classNames().size(),
                settings.templates().size());
        // CLIP's own pre-training, not prompt learning: images as OpenAI's preprocess decodes them
        // (the order this command has always used, so its runs resume on the same inputs).
        SampleTransform transform = SampleTransforms.train(settings.model().imageResolution(), DecodeOrder.OPENAI);
        if (benchmarkSteps != null || (epochs == null && recorded == null)) {
            Pretrainer probe = new Pretrainer(settings, data, transform,
                    org.dpl4j.util.Progress.NONE, log::println);
            Pretrainer.StepTiming t = probe.benchmark(2, benchmarkSteps != null ? benchmarkSteps : 4);
            log.printf("benchmark: %.2f s/step (%.2f s of it waiting for images) at batch %d, %d steps per epoch%n",
                    t.secondsPerStep(), t.waitSecondsPerStep(), batchSize, probe.batchesPerEpoch());
            if (benchmarkSteps != null) {
                return 0;
            }
            double left = Duration.between(Instant.now(), deadline).toMillis() / 1000.0;
            EpochPlan plan = new EpochPlan(left, t.secondsPerStep(), probe.batchesPerEpoch(), 3.0);
            planned = plan.epochs();
            log.printf("plan: %d epochs of ~%.0f s in %.0f s left of the %.0f-minute budget%n", planned,
                    plan.secondsPerEpoch(), left, minutes);
            settings = settings.withEpochs(planned);
        }
        Pretrainer trainer = new Pretrainer(settings, data, transform,
                LogProgress.factory(log, 30), log::println);
        PretrainResult r = trainer.run(run, deadline);
        log.printf("%s after %d of %d steps in %.1f min; last epoch loss %.4f; model: %s%n",
                r.completed() ? "done" : "stopped", r.steps(), r.totalSteps(),
                Duration.between(start, Instant.now()).toMillis() / 60000.0, r.lastEpochLoss(), r.model());
        return r.completed() ? 0 : 3;
    }

    /** The epochs of the run already in {@code run}, so that running the same command again resumes it. */
    private static Integer recordedEpochs(RunDirectory run) throws IOException {
        if (!run.has(RunDirectory.RUN)) {
            return null;
        }
        JsonNode e = run.readJson(RunDirectory.RUN).at("/settings/epochs");
        if (!e.isInt()) {
            throw new IOException(run.file(RunDirectory.RUN) + ": no settings.epochs; not a pre-training run folder");
        }
        return e.asInt();
    }
}
