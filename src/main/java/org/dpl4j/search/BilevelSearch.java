package org.dpl4j.search;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.EpochLoop;
import org.dpl4j.training.Losses;
import org.dpl4j.training.StepRunner;
import org.dpl4j.training.TextChunks;
import org.dpl4j.training.TextPass;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;
import org.dpl4j.util.Progress;

/**
 * DPL's search stage (first-order bilevel, docs/design.md §5): for every training batch, one Adam
 * step on the alphas from a validation batch, then one SGD step on the candidate prompts from
 * the training batch. Val batches cycle through the whole val split (reshuffled each pass)
 * unless {@code fixedValBatch} reproduces the reference code's single first batch.
 * Alphas are snapshotted every epoch under their true branch names. With a {@link SettlingRule}
 * the search ends early once the layout has settled; the result records when and why.
 */
public final class BilevelSearch {
    private final ClipModel clip;
    private final SearchSettings s;
    private final Progress.Factory progress;
    private final Consumer<String> log;
    private final String method;

    /** DPL's search ({@link Supernet}). */
    public BilevelSearch(ClipModel clip, SearchSettings settings, Progress.Factory progress, Consumer<String> log) {
        this(clip, settings, Supernet.METHOD, progress, log);
    }

    /** The search of {@code method}'s layout ({@link SearchSpaces}). */
    public BilevelSearch(ClipModel clip, SearchSettings settings, String method, Progress.Factory progress, Consumer<String> log) {
        this.clip = clip;
        this.s = settings;
        this.method = SearchSpaces.check(method);
        this.progress = progress;
        this.log = log;
    }

    public SearchResult run(DatasetSplits data, RunDirectory run) throws IOException {
        if (data.val().isEmpty()) {
            throw new IllegalArgumentException(data.name() + ": the val split is empty; the alpha steps need it");
        }
        int res = clip.config().imageResolution();
        try (Scope scope = Scope.open();
                SearchSpace net = SearchSpaces.init(method, clip, s.candidates(), s.seed(), s.attention());
                Adam adam = new Adam(s.alphaBeta1(), s.alphaBeta2(), 1e-8f, 0f, false);
                Sgd sgd = s.sgd().optimizer();
                BatchLoader train = BatchLoader.builder(data.train(), SampleTransforms.train(res)).batchSize(s.batchSize())
                        .training(s.seed()).workers(s.workers()).onBadSample(s.badImages()).build();
                BatchLoader val = BatchLoader.builder(data.val(), SampleTransforms.test(res)).batchSize(s.valBatch())
                        .shuffle(!s.fixedValBatch()).seed(s.seed() + 1).dropLast(false).workers(s.workers())
                        .onBadSample(s.badImages()).build()) {
            if (train.batchesPerEpoch() == 0) {
                throw new IllegalArgumentException("train split has " + data.train().size() + " images, fewer than one batch");
            }
            ClassTexts texts = net.texts(clip, data.classNames(), s.template());
            // planned once per search (on a GPU from the memory free now), so that every step sums its gradients alike
            TextChunks.Plan textPlan = TextChunks.plan(clip, texts);
            Map<String, Tensor> params = new LinkedHashMap<>(net.alphaParameters());
            params.putAll(net.promptParameters());
            EpochLoop.EpochLog<SearchEpochMetrics> history = new EpochLoop.EpochLog<>(RunDirectory.METRICS_LOG,
                    SearchEpochMetrics.class, SearchEpochMetrics::epoch);
            EpochLoop.EpochLog<AlphaSnapshot> snapshots = new EpochLoop.EpochLog<>(RunDirectory.ALPHAS, AlphaSnapshot.class,
                    AlphaSnapshot::epoch);
            ValStream valStream = new ValStream(val, s.fixedValBatch());
            EpochLoop loop = new EpochLoop("search", s.epochs(), run, progress, log)
                    .parameters(params, "supernet (different candidates or model?)")
                    .optimizer("adam", adam).optimizer("sgd", sgd).log(history).log(snapshots)
                    .extra(() -> Map.of("valBatches", Long.toString(valStream.consumed())),
                            extra -> valStream.skip(Long.parseLong(extra.getOrDefault("valBatches", "0"))));
            int start = loop.resume();
            if (start == 0) {
                snapshots.add(net.snapshot(0));
                loop.writeLogs();
            }
            EpochLoop.Outcome outcome = loop.run(start, train.batchesPerEpoch(),
                    epoch -> bilevelEpoch(epoch, net, texts, textPlan, train, valStream, adam, sgd, history, snapshots),
                    done -> s.settling().reasonToStop(snapshots.lines()));
            if (outcome.stopReason() != null) {
                log.accept("search stopped after epoch " + outcome.epochsDone() + " of " + s.epochs() + ": "
                        + outcome.stopReason());
            }
            PromptConfig config = net.derive();
            SearchResult result = SearchResult.of(net.snapshot(outcome.epochsDone()), config, s.dominantMargin(),
                    outcome);
            config.write(run.file(RunDirectory.PROMPT_CONFIG));
            run.writeJson("search-result.json", result);
            return result;
        }
    }

    /**
     * One search epoch: DPL's {@link #bilevelStep} for every train batch. Adds the epoch's metrics
     * and alpha snapshot to the logs and returns the summary line.
     */
    private String bilevelEpoch(EpochLoop.Epoch epoch, SearchSpace net, ClassTexts texts, TextChunks.Plan textPlan, BatchLoader train,
            ValStream valStream, Adam adam, Sgd sgd, EpochLoop.EpochLog<SearchEpochMetrics> history,
            EpochLoop.EpochLog<AlphaSnapshot> snapshots) {
        float lr = s.promptSchedule().lr(epoch.index());
        double trainLoss = 0;
        double valLoss = 0;
        int trainHits = 0;
        int valHits = 0;
        int trainSeen = 0;
        int valSeen = 0;
        int steps = 0;
        try (BatchLoader.Epoch it = train.epoch(epoch.index())) {
            while (it.hasNext()) {
                Batch tb = it.next();
                Batch vb = valStream.next();
                StepOutcome[] vt = bilevelStep(net, texts, textPlan, vb, tb, adam, sgd, lr);
                valLoss += vt[0].loss();
                trainLoss += vt[1].loss();
                valHits += vt[0].correct();
                trainHits += vt[1].correct();
                valSeen += vb.labels().length;
                trainSeen += tb.labels().length;
                steps++;
                epoch.progress().step(1, String.format("train %.3f val %.3f", trainLoss / steps, valLoss / steps));
            }
        }
        double secs = epoch.seconds();
        history.add(new SearchEpochMetrics(epoch.index() + 1, lr, trainLoss / steps, valLoss / steps,
                100.0 * trainHits / trainSeen, 100.0 * valHits / valSeen, steps, secs));
        AlphaSnapshot now = net.snapshot(epoch.index() + 1);
        snapshots.add(now);
        return String.format("search epoch %d/%d  train %.4f  val %.4f  val acc %.1f%%  %.1fs  config %s",
                epoch.index() + 1, s.epochs(), trainLoss / steps, valLoss / steps, 100.0 * valHits / valSeen, secs,
                net.layout(now));
    }

    /**
     * DPL's first-order bilevel step: the {@link #alphaStep} on val batch {@code vb}, then the
     * {@link #promptStep} on train batch {@code tb}, which sees the alphas just updated, as in the
     * reference's forward_backward. Both take the classes through the text encoder as {@code textPlan} says
     * ({@link TextChunks}, docs/design.md §6.11).
     *
     * @return the val (alpha) step's outcome, then the train (prompt) step's
     */
    StepOutcome[] bilevelStep(SearchSpace net, ClassTexts texts, TextChunks.Plan textPlan, Batch vb, Batch tb, Adam adam, Sgd sgd,
            float lr) {
        StepOutcome v = alphaStep(net, texts, textPlan, vb, adam);
        StepOutcome t = promptStep(net, texts, textPlan, tb, sgd, lr);
        return new StepOutcome[] {v, t};
    }

    /** A step's mean loss over its batch and the batch's correct predictions. */
    record StepOutcome(float loss, int correct) {}

    /**
     * The upper-level step: one Adam step on the alphas from val batch {@code vb}. The loss also
     * depends on the candidate prompts, but only the alphas' gradients are taken, so nothing of
     * this step reaches the prompt step. Large models take the val batch in chunks, many classes
     * the text encoder in chunks: the same gradient for a fraction of the activation memory.
     */
    StepOutcome alphaStep(SearchSpace net, ClassTexts texts, TextChunks.Plan textPlan, Batch vb, Adam adam) {
        int[] vl = vb.labels();
        int[] hits = new int[1];
        float loss = StepRunner.chunkedStep(textPass(net, texts, textPlan), (txt, from, to) -> {
            int[] part = Arrays.copyOfRange(vl, from, to);
            Tensor logits = logits(net, vb, from, to, txt);
            hits[0] += Losses.correct(logits, part);
            return Losses.crossEntropy(logits, part);
        }, vl.length, AlphaChunks.size(clip.config(), vl.length), net.alphaParameters(), adam, s.alphaLr());
        return new StepOutcome(loss, hits[0]);
    }

    /** The lower-level step: one SGD step at rate {@code lr} on the candidate prompts from train batch {@code tb}. */
    StepOutcome promptStep(SearchSpace net, ClassTexts texts, TextChunks.Plan textPlan, Batch tb, Sgd sgd, float lr) {
        int[] hits = new int[1];
        float loss = StepRunner.step(textPass(net, texts, textPlan), txt -> {
            Tensor logits = logits(net, tb, 0, tb.labels().length, txt);
            hits[0] = Losses.correct(logits, tb.labels());
            return Losses.crossEntropy(logits, tb.labels());
        }, net.promptParameters(), sgd, lr);
        return new StepOutcome(loss, hits[0]);
    }

    /** The class text side of both steps under the current mixture weights. */
    private TextPass textPass(SearchSpace net, ClassTexts texts, TextChunks.Plan textPlan) {
        return new TextPass(texts, t -> net.textFeatures(clip, t), textPlan);
    }

    /** Logits of images {@code [from, to)} of the batch against the class text features. */
    private Tensor logits(SearchSpace net, Batch b, int from, int to, Tensor textFeatures) {
        int res = clip.config().imageResolution();
        int per = 3 * res * res;
        float[] pixels = from == 0 && to == b.labels().length ? b.pixels() : Arrays.copyOfRange(b.pixels(), from * per, to * per);
        Tensor images = Tensors.floats(pixels, clip.device(), to - from, 3, res, res);
        return clip.logits(net.imageFeatures(clip, images), textFeatures);
    }

    /** Endless val batches: pass after pass over the val split, or always the first batch. */
    private static final class ValStream {
        private final BatchLoader loader;
        private final boolean fixed;
        private BatchLoader.Epoch current;
        private int pass;
        private long consumed;
        private Batch first;

        ValStream(BatchLoader loader, boolean fixed) {
            this.loader = loader;
            this.fixed = fixed;
        }

        Batch next() {
            consumed++;
            if (fixed) {
                if (first == null) {
                    try (BatchLoader.Epoch e = loader.epoch(0)) {
                        first = e.next();
                    }
                }
                return first;
            }
            if (current == null || !current.hasNext()) {
                if (current != null) {
                    current.close();
                    pass++;
                }
                current = loader.epoch(pass);
            }
            return current.next();
        }

        long consumed() {
            return consumed;
        }

        /** Fast-forwards after a resume so the stream continues exactly where it stopped. */
        void skip(long n) {
            if (fixed) {
                consumed = n;
                return;
            }
            int perPass = loader.batchesPerEpoch();
            pass = (int) (n / perPass);
            long within = n % perPass;
            current = loader.epoch(pass);
            for (long i = 0; i < within; i++) {
                current.next();
            }
            consumed = n;
        }
    }
}
