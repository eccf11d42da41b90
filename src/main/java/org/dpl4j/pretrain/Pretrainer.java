package org.dpl4j.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransform;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.run.Checkpoint;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.StepRunner;
import org.dpl4j.util.Progress;

/**
 * Contrastive pre-training of a CLIP from scratch: both towers trainable, {@link ContrastiveLoss}
 * over each batch of image–caption pairs, {@link GroupedAdamW} with a {@link WarmupCosine} rate
 * per step, train-time augmentation from the {@link SampleTransform} the caller supplies.
 *
 * <p><b>Run folder</b> ({@link RunDirectory}): {@code run.json} (settings, data summary),
 * {@code metrics.jsonl} (one {@link PretrainEpoch} per epoch), {@code checkpoint.safetensors},
 * {@code model/} (the exported model) and {@code metrics.json} once the run is complete.
 *
 * <p><b>Checkpoints and resume.</b> The checkpoint holds the parameters, both AdamW groups' moments
 * and a {@code position} group: {@code batch} (batches done in epoch {@link Checkpoint#epoch()}),
 * {@code step} (global steps done) and {@code loss_sum} (loss summed over the epoch's done
 * batches); an epoch-end checkpoint points at batch 0 of the next epoch. It is written at every
 * epoch end and every {@link PretrainSettings#checkpointEvery()} steps, so a crash loses minutes,
 * not epochs. {@link #run} on a folder with a checkpoint resumes from it: batch order, augmentation
 * and captions are functions of (seed, epoch, index) and the rate a function of the global step, so
 * the resumed run ends with the same parameters as an uninterrupted one. The batches of the
 * interrupted epoch that were already trained on are decoded again and skipped.
 *
 * <p><b>Why not the train stage's {@link org.dpl4j.training.EpochLoop}.</b> That loop commits at
 * epoch ends only: its checkpoint says "epochs 1..e done", and a resumed run restarts at an epoch
 * boundary. An epoch of pre-training takes hours, so this loop must also commit inside an epoch
 * (every {@code checkpointEvery} steps, and when a deadline stops it) and resume at a batch within
 * it, with the step count and the epoch's loss sum; the rate follows the global step, not the
 * epoch. Teaching EpochLoop positions inside an epoch would change the one loop the train and
 * search stages' byte-identical resume rests on, for a stage that runs once per bundled model.
 */
public final class Pretrainer {
    /** Folder inside the run directory that receives the exported model. */
    public static final String MODEL_DIR = "model";
    static final String OPTIMIZER = "adamw";
    static final String POSITION = "position";
    /**
     * A pre-training run.json records no kind; {@code workers} and {@code checkpointEvery} may differ on
     * resume: they change speed and crash safety, not results.
     */
    private static final RunIdentity IDENTITY =
            new RunIdentity(null, "pre-training", List.of("settings.workers", "settings.checkpointEvery"));

    private final PretrainSettings settings;
    private final CaptionedData data;
    private final SampleTransform transform;
    private final Progress.Factory progress;
    private final Consumer<String> log;
    private final CaptionTokens tokens;

    /**
     * @param transform decode + train augmentation, e.g. {@code SampleTransforms.train(resolution)};
     *     must give {@code 3·R·R} floats for the model's resolution R
     */
    public Pretrainer(PretrainSettings settings, CaptionedData data, SampleTransform transform, Progress.Factory progress,
            Consumer<String> log) {
        this.settings = settings;
        this.data = data;
        this.transform = transform;
        this.progress = progress;
        this.log = log;
        ClipConfig c = settings.model();
        this.tokens = CaptionTokens.of(data, ClipTokenizer.load(), c.contextLength(), c.vocabSize());
    }

    /** Compact token rows of the captions; exposed for reporting. */
    public CaptionTokens captionTokens() {
        return tokens;
    }

    /** Optimisation steps per epoch (full batches; the last partial batch is dropped). */
    public int batchesPerEpoch() {
        return data.samples().size() / settings.batchSize();
    }

    /**
     * Trains (or resumes) in {@code run}, then exports the model to {@code run/model}. A folder whose
     * run completed is left alone.
     *
     * @param deadline when reached, the run checkpoints, exports what it has and returns with
     *     {@code completed = false}; null for none
     */
    public PretrainResult run(RunDirectory run, Instant deadline) throws IOException {
        return run(run, step -> deadline != null && Instant.now().isAfter(deadline));
    }

    /**
     * As {@link #run(RunDirectory, Instant)}, stopping when {@code stopAfter} accepts the
     * number of steps done (tested after every step; at an epoch's last step the epoch is finished first).
     */
    PretrainResult run(RunDirectory run, LongPredicate stopAfter) throws IOException {
        int bpe = batchesPerEpoch();
        if (bpe == 0) {
            throw new IllegalArgumentException("only " + data.samples().size() + " training images, fewer than one batch of "
                    + settings.batchSize());
        }
        WarmupCosine schedule = settings.schedule(bpe);
        if (run.isComplete()) {
            JsonNode fin = run.readJson(RunDirectory.FINAL);
            log.accept("run in " + run.dir() + " is already complete; nothing to do");
            return new PretrainResult(true, fin.path("steps").asLong(), schedule.totalSteps(),
                    fin.path("loss").asDouble(Double.NaN), run.file(MODEL_DIR));
        }
        run.create();
        boolean resuming = run.has(RunDirectory.CHECKPOINT);
        PretrainRun info = new PretrainRun(settings, new PretrainRun.Data(data.samples().size(), data.classNames().size(),
                tokens.size(), data.sources()), bpe, schedule.totalSteps());
        if (resuming) {
            IDENTITY.checkSame(run, info);
        } else {
            run.writeJson(RunDirectory.RUN, info);
        }
        long total = schedule.totalSteps();
        try (BatchLoader loader = loader(); TrainableClip clip = TrainableClip.create(settings.model(), tokens, settings.seed());
                GroupedAdamW opt = newOptimizer()) {
            List<PretrainEpoch> history = new ArrayList<>();
            Position pos = resuming ? resume(run, clip, opt, history) : new Position(0, 0, 0, 0);
            try (Progress bar = progress.start("pretrain", total)) {
                bar.step(pos.step(), null);
                Session session = new Session(run, loader, clip, opt, schedule, stopAfter, history, bar);
                for (int epoch = pos.epoch(); epoch < settings.epochs(); epoch++) {
                    EpochEnd end = epoch(session, pos.epoch() == epoch ? pos : new Position(epoch, 0, pos.step(), 0));
                    pos = end.at();
                    if (end.stop() && (pos.batch() > 0 || epoch + 1 < settings.epochs())) {
                        // inside the epoch (after a checkpoint at that position) or at the next one
                        return stopped(run, clip, history, pos.step(), total, pos.epoch());
                    }
                }
            }
            return finish(run, clip, history, pos.step(), total, true);
        }
    }

    /** Where an epoch ended ({@link #epoch}), and whether {@code stopAfter} asked to stop there. */
    private record EpochEnd(Position at, boolean stop) {}

    /**
     * What one run of {@link #run} works with: the run folder, the batches, the model, the optimiser,
     * the rate schedule, when to stop, the epochs done so far and the progress bar.
     */
    private record Session(RunDirectory run, BatchLoader loader, TrainableClip clip, GroupedAdamW opt, WarmupCosine schedule,
            LongPredicate stopAfter, List<PretrainEpoch> history, Progress bar) {}

    /**
     * Trains epoch {@code from.epoch()} from batch {@code from.batch()}, checkpointing every
     * {@link PretrainSettings#checkpointEvery} steps. Ends at batch 0 of the next epoch once the
     * epoch is logged and committed, or, when {@code stopAfter} asks to stop with batches left, at
     * the position of the checkpoint just written.
     */
    private EpochEnd epoch(Session s, Position from) throws IOException {
        int epoch = from.epoch();
        int batch = from.batch();
        long step = from.step();
        double lossSum = from.lossSum();
        float lr = 0;
        long t0 = System.nanoTime();
        int skipped;
        boolean stop = false;
        try (BatchLoader.Epoch it = s.loader().epoch(epoch)) {
            for (int i = 0; i < batch && it.hasNext(); i++) {
                it.next();
            }
            while (it.hasNext()) {
                Batch b = it.next();
                lr = s.schedule().lr(step);
                lossSum += trainStep(s.clip(), s.opt(), b, epoch, lr);
                batch++;
                step++;
                s.bar().step(1, String.format("epoch %d/%d loss %.3f lr %.1e", epoch + 1, settings.epochs(), lossSum / batch, lr));
                stop = s.stopAfter().test(step);
                boolean more = it.hasNext();
                if (more && (stop || (settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0))) {
                    save(s.run(), s.clip(), s.opt(), new Position(epoch, batch, step, lossSum));
                }
                if (more && stop) {
                    return new EpochEnd(new Position(epoch, batch, step, lossSum), true);
                }
                if (stop) {
                    break;
                }
            }
            skipped = it.skippedCount();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        PretrainEpoch em = new PretrainEpoch(epoch + 1, step, lr, lossSum / Math.max(1, batch),
                Math.exp(Tensors.item(s.clip().parameters().get(TrainableClip.LOGIT_SCALE))), batch, secs, skipped);
        s.history().add(em);
        // the log first, then the checkpoint, which is the commit point: resume drops log lines
        // past it, so a kill between the two writes can neither lose nor duplicate an epoch
        s.run().writeLog(RunDirectory.METRICS_LOG, s.history());
        Position next = new Position(epoch + 1, 0, step, 0);
        save(s.run(), s.clip(), s.opt(), next);
        log.accept(String.format("epoch %d/%d  step %d  lr %.2e  loss %.4f  scale %.1f  %.0fs", em.epoch(),
                settings.epochs(), step, em.lr(), em.loss(), em.logitScale(), secs));
        return new EpochEnd(next, stop);
    }

    private PretrainResult stopped(RunDirectory run, TrainableClip clip, List<PretrainEpoch> history, long step, long total,
            int epoch) throws IOException {
        log.accept(String.format("stopped at step %d of %d (epoch %d); checkpoint kept, run again with the same output"
                + " folder to go on", step, total, epoch + 1));
        return finish(run, clip, history, step, total, false);
    }

    /** Timing of the training step on real batches, measured by {@link #benchmark}. */
    public record StepTiming(double secondsPerStep, double waitSecondsPerStep, int steps) {}

    /**
     * Times {@code timed} training steps on the first batches of epoch 0, after {@code warmup} untimed
     * ones, on throwaway weights; writes nothing. {@code waitSecondsPerStep} is the part spent waiting
     * for decoded images (data-bound when it is large).
     */
    public StepTiming benchmark(int warmup, int timed) {
        if (warmup + timed > batchesPerEpoch()) {
            throw new IllegalArgumentException("an epoch has only " + batchesPerEpoch() + " batches, fewer than "
                    + (warmup + timed));
        }
        try (BatchLoader loader = loader(); BatchLoader.Epoch it = loader.epoch(0);
                TrainableClip clip = TrainableClip.create(settings.model(), tokens, settings.seed());
                GroupedAdamW opt = newOptimizer()) {
            WarmupCosine schedule = settings.schedule(batchesPerEpoch());
            long start = 0;
            long waited = 0;
            for (int s = 0; s < warmup + timed; s++) {
                if (s == warmup) {
                    start = System.nanoTime();
                    waited = 0;
                }
                long w0 = System.nanoTime();
                Batch b = it.next();
                waited += System.nanoTime() - w0;
                trainStep(clip, opt, b, 0, schedule.lr(s));
            }
            return new StepTiming((System.nanoTime() - start) / 1e9 / timed, waited / 1e9 / timed, timed);
        }
    }

    private float trainStep(TrainableClip clip, GroupedAdamW opt, Batch b, int epoch, float lr) {
        int[] templates = new int[b.size()];
        List<Sample> members = b.samples();
        for (int i = 0; i < templates.length; i++) {
            templates[i] = data.templateIndex(epoch, data.indexOf(members.get(i)));
        }
        long[][] rows = tokens.rows(b.labels(), templates);
        int res = settings.model().imageResolution();
        float loss;
        try (Scope s = Scope.open(); ClipModel model = clip.model()) {
            Tensor images = Tensors.floats(b.pixels(), model.device(), b.size(), 3, res, res);
            loss = StepRunner.step(() -> {
                Tensor imageFeatures = model.image().encode(images, BlockAttention.PLAIN);
                Tensor textFeatures = model.text().encode(rows, BlockAttention.PLAIN);
                return ContrastiveLoss.loss(imageFeatures, textFeatures, model.weights().get(TrainableClip.LOGIT_SCALE),
                        b.labels());
            }, clip.parameters(), opt, lr);
        }
        clip.clampLogitScale();
        return loss;
    }

    private BatchLoader loader() {
        return BatchLoader.builder(data.samples(), transform).batchSize(settings.batchSize()).training(settings.seed())
                .workers(settings.workers()).onBadSample(settings.badImages())
                .build();
    }

    private GroupedAdamW newOptimizer() {
        return new GroupedAdamW(PretrainSettings.BETA1, PretrainSettings.BETA2, PretrainSettings.EPS,
                settings.weightDecay());
    }

    /** Where a checkpoint left off: the next batch to train is {@code batch} of {@code epoch}. */
    private record Position(int epoch, int batch, long step, double lossSum) {}

    private void save(RunDirectory run, TrainableClip clip, GroupedAdamW opt, Position p) throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> position = new LinkedHashMap<>();
            position.put("batch", Tensors.longs(new long[] {p.batch()}));
            position.put("step", Tensors.longs(new long[] {p.step()}));
            position.put("loss_sum", Tensors.doubles(new double[] {p.lossSum()}));
            Map<String, Map<String, Tensor>> groups = new LinkedHashMap<>();
            groups.put(OPTIMIZER, opt.state());
            groups.put(POSITION, position);
            new Checkpoint(p.epoch(), clip.parameters(), groups).save(run.file(RunDirectory.CHECKPOINT));
        }
    }

    private Position resume(RunDirectory run, TrainableClip clip, GroupedAdamW opt, List<PretrainEpoch> history)
            throws IOException {
        Path file = run.file(RunDirectory.CHECKPOINT);
        try (Scope s = Scope.open()) {
            Checkpoint ck = Checkpoint.load(file);
            Map<String, Tensor> position = ck.optimizers().get(POSITION);
            Map<String, Tensor> state = ck.optimizers().get(OPTIMIZER);
            if (position == null || state == null || !position.keySet().containsAll(List.of("batch", "step", "loss_sum"))) {
                throw new IOException(file + ": not a pre-training checkpoint (no " + POSITION + " or " + OPTIMIZER
                        + " state); use another output folder");
            }
            ck.restoreInto(clip.parameters(), "model (different model settings?)");
            opt.load(state);
            Position p = new Position(ck.epoch(), (int) Tensors.toLongs(position.get("batch"))[0],
                    Tensors.toLongs(position.get("step"))[0], position.get("loss_sum").item().toDouble());
            for (JsonNode n : run.readLog(RunDirectory.METRICS_LOG)) {
                PretrainEpoch e = Json.LINE.treeToValue(n, PretrainEpoch.class);
                if (e.epoch() <= p.epoch()) {
                    history.add(e);
                }
            }
            log.accept(String.format("resuming at epoch %d, batch %d (step %d) from %s", p.epoch() + 1, p.batch(), p.step(),
                    file));
            return p;
        }
    }

    private PretrainResult finish(RunDirectory run, TrainableClip clip, List<PretrainEpoch> history, long step, long total,
            boolean completed) throws IOException {
        Path folder = run.file(MODEL_DIR);
        try (Scope s = Scope.open()) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("steps", Long.toString(step));
            meta.put("total_steps", Long.toString(total));
            meta.put("completed", Boolean.toString(completed));
            ModelExport.write(folder, settings.model(), clip.stateDict(), meta);
        }
        double last = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss();
        if (completed) {
            Map<String, Object> fin = new LinkedHashMap<>();
            fin.put("steps", step);
            fin.put("epochs", settings.epochs());
            fin.put("loss", last);
            fin.put("logitScale", history.isEmpty() ? Double.NaN : history.get(history.size() - 1).logitScale());
            fin.put("seconds", history.stream().mapToDouble(PretrainEpoch::seconds).sum());
            fin.put("model", folder.toString());
            run.writeJson(RunDirectory.FINAL, fin);
            log.accept("model written to " + folder);
        }
        return new PretrainResult(completed, step, total, last, folder);
    }
}
