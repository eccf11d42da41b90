package org.dpl4j.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.run.Checkpoint;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.training.Losses;
import org.dpl4j.training.StepRunner;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;
import org.dpl4j.util.Progress;

/**
 * DPL's search stage (first-order bilevel, docs/design.md §5): for every training batch, one Adam
 * step on the alphas from a validation batch, then one SGD step on the candidate prompts from
 * the training batch. Val batches cycle through the whole val split (reshuffled each pass)
 * unless {@code fixedValBatch} reproduces the reference code's single first batch.
 * Alphas are snapshotted every epoch under their true branch names.
 */
public final class BilevelSearch {
    private final ClipModel clip;
    private final SearchSettings s;
    private final Progress.Factory progress;
    private final Consumer<String> log;

    public BilevelSearch(ClipModel clip, SearchSettings settings, Progress.Factory progress, Consumer<String> log) {
        this.clip = clip;
        this.s = settings;
        this.progress = progress;
        this.log = log;
    }

    public SearchResult run(DatasetSplits data, RunDirectory run, NDManager parent) throws IOException {
        if (data.val().isEmpty()) {
            throw new IllegalArgumentException(data.name() + ": the val split is empty; the alpha steps need it");
        }
        int res = clip.config().imageResolution();
        try (NDManager m = parent.newSubManager();
                Supernet net = Supernet.init(clip.config(), s.candidates(), m, s.seed());
                BatchLoader train = BatchLoader.builder(data.train(), SampleTransforms.train(res)).batchSize(s.batchSize())
                        .shuffle(true).seed(s.seed()).dropLast(true).workers(s.workers()).onBadSample(s.badImages()).build();
                BatchLoader val = BatchLoader.builder(data.val(), SampleTransforms.test(res)).batchSize(s.valBatch())
                        .shuffle(!s.fixedValBatch()).seed(s.seed() + 1).dropLast(false).workers(s.workers())
                        .onBadSample(s.badImages()).build()) {
            if (train.batchesPerEpoch() == 0) {
                throw new IllegalArgumentException("train split has " + data.train().size() + " images, fewer than one batch");
            }
            ClassTexts texts = ClassTexts.build(clip, data.classNames(), List.of(s.template()), m);
            Adam adam = new Adam(m, s.alphaBeta1(), s.alphaBeta2(), 1e-8f, 0f, false);
            Sgd sgd = new Sgd(m, s.momentum(), s.weightDecay());
            Map<String, NDArray> alphas = net.alphaParameters();
            Map<String, NDArray> prompts = net.promptParameters();
            List<SearchEpochMetrics> history = new ArrayList<>();
            List<AlphaSnapshot> snapshots = new ArrayList<>();
            ValStream valStream = new ValStream(val, s.fixedValBatch());
            int start = resume(run, net, adam, sgd, history, snapshots, valStream, m);
            if (start == 0) {
                snapshots.add(AlphaSnapshot.of(0, net));
                run.writeLog(RunDirectory.ALPHAS, snapshots);
            }
            for (int epoch = start; epoch < s.epochs(); epoch++) {
                float lr = s.promptSchedule().lr(epoch);
                long t0 = System.nanoTime();
                double trainLoss = 0;
                double valLoss = 0;
                int trainHits = 0;
                int valHits = 0;
                int trainSeen = 0;
                int valSeen = 0;
                int steps = 0;
                try (BatchLoader.Epoch it = train.epoch(epoch);
                        Progress p = progress.start("search " + (epoch + 1) + "/" + s.epochs(), train.batchesPerEpoch())) {
                    while (it.hasNext()) {
                        Batch tb = it.next();
                        Batch vb = valStream.next();
                        StepOutcome v = alphaStep(m, net, texts, vb, adam);
                        // the prompt step sees the alphas just updated, as in the reference's forward_backward
                        StepOutcome t = promptStep(m, net, texts, tb, sgd, lr);
                        valLoss += v.loss();
                        trainLoss += t.loss();
                        valHits += v.correct();
                        trainHits += t.correct();
                        valSeen += vb.labels().length;
                        trainSeen += tb.labels().length;
                        steps++;
                        p.step(1, String.format("train %.3f val %.3f", trainLoss / steps, valLoss / steps));
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                history.add(new SearchEpochMetrics(epoch + 1, lr, trainLoss / steps, valLoss / steps,
                        100.0 * trainHits / trainSeen, 100.0 * valHits / valSeen, steps, secs));
                snapshots.add(AlphaSnapshot.of(epoch + 1, net));
                Map<String, NDArray> params = new java.util.LinkedHashMap<>(alphas);
                params.putAll(prompts);
                // the logs first, then the checkpoint, which is the commit point: resume drops log lines
                // past it, so a kill between the writes can neither lose nor duplicate an epoch
                run.writeLog(RunDirectory.METRICS_LOG, history);
                run.writeLog(RunDirectory.ALPHAS, snapshots);
                new Checkpoint(epoch, params, Map.of("adam", adam.state(), "sgd", sgd.state()),
                        Map.of("valBatches", Long.toString(valStream.consumed()))).save(run.file(RunDirectory.CHECKPOINT));
                PromptConfig now = net.derive();
                log.accept(String.format("search epoch %d/%d  train %.4f  val %.4f  val acc %.1f%%  %.1fs  config %s",
                        epoch + 1, s.epochs(), trainLoss / steps, valLoss / steps, 100.0 * valHits / valSeen, secs, now));
            }
            PromptConfig config = net.derive();
            SearchResult result = SearchResult.of(AlphaSnapshot.of(s.epochs(), net), config, s.dominantMargin());
            config.write(run.file(RunDirectory.PROMPT_CONFIG));
            run.writeJson("search-result.json", result);
            return result;
        }
    }

    private int resume(RunDirectory run, Supernet net, Adam adam, Sgd sgd, List<SearchEpochMetrics> history,
            List<AlphaSnapshot> snapshots, ValStream valStream, NDManager m) throws IOException {
        if (!run.has(RunDirectory.CHECKPOINT)) {
            return 0;
        }
        Checkpoint ck = Checkpoint.load(run.file(RunDirectory.CHECKPOINT), m);
        Map<String, NDArray> params = new java.util.LinkedHashMap<>(net.alphaParameters());
        params.putAll(net.promptParameters());
        ck.restoreInto(params, "supernet (different candidates or model?)");
        adam.load(ck.optimizers().getOrDefault("adam", Map.of()));
        sgd.load(ck.optimizers().getOrDefault("sgd", Map.of()));
        for (JsonNode n : run.readLog(RunDirectory.METRICS_LOG)) {
            SearchEpochMetrics e = Json.LINE.treeToValue(n, SearchEpochMetrics.class);
            if (e.epoch() <= ck.epoch() + 1) {
                history.add(e);
            }
        }
        for (JsonNode n : run.readLog(RunDirectory.ALPHAS)) {
            AlphaSnapshot a = Json.LINE.treeToValue(n, AlphaSnapshot.class);
            if (a.epoch() <= ck.epoch() + 1) {
                snapshots.add(a);
            }
        }
        valStream.skip(Long.parseLong(ck.extra().getOrDefault("valBatches", "0")));
        log.accept("resuming search after epoch " + (ck.epoch() + 1));
        return ck.epoch() + 1;
    }

    /** A step's mean loss over its batch and the batch's correct predictions. */
    record StepOutcome(float loss, int correct) {}

    /**
     * The upper-level step: one Adam step on the alphas from val batch {@code vb}. The loss also
     * back-propagates into the candidate prompts, but only the alphas are updated; the prompt
     * step clears those gradients before its own backward. Large models take the val batch in
     * chunks: the same gradient for a fraction of the activation memory (text features computed
     * once, kept in the graph).
     */
    StepOutcome alphaStep(NDManager m, Supernet net, ClassTexts texts, Batch vb, Adam adam) {
        BlockAttention ti = net.attention(Branch.IMAGE, s.attention());
        BlockAttention tt = net.attention(Branch.TEXT, s.attention());
        int[] vl = vb.labels();
        int[] hits = new int[1];
        float loss = StepRunner.chunkedStep(m, scope -> textFeatures(scope, texts, tt), (scope, txt, from, to) -> {
            int[] part = Arrays.copyOfRange(vl, from, to);
            NDArray logits = logits(scope, vb, from, to, txt, ti);
            hits[0] += correct(logits, part);
            return Losses.crossEntropy(logits, part);
        }, vl.length, AlphaChunks.size(clip.config(), vl.length), net.alphaParameters(), adam, s.alphaLr());
        return new StepOutcome(loss, hits[0]);
    }

    /** The lower-level step: one SGD step at rate {@code lr} on the candidate prompts from train batch {@code tb}. */
    StepOutcome promptStep(NDManager m, Supernet net, ClassTexts texts, Batch tb, Sgd sgd, float lr) {
        BlockAttention ti = net.attention(Branch.IMAGE, s.attention());
        BlockAttention tt = net.attention(Branch.TEXT, s.attention());
        int[] hits = new int[1];
        float loss = StepRunner.step(m, scope -> {
            NDArray logits = logits(scope, tb, 0, tb.labels().length, textFeatures(scope, texts, tt), ti);
            hits[0] = correct(logits, tb.labels());
            return Losses.crossEntropy(logits, tb.labels());
        }, net.promptParameters(), sgd, lr);
        return new StepOutcome(loss, hits[0]);
    }

    private NDArray textFeatures(NDManager scope, ClassTexts texts, BlockAttention tt) {
        return clip.text().encodeEmbeddings(scope, texts.embeddings(), texts.eot(), tt, true);
    }

    /** Logits of images {@code [from, to)} of the batch against the class text features. */
    private NDArray logits(NDManager scope, Batch b, int from, int to, NDArray textFeatures, BlockAttention ti) {
        int res = clip.config().imageResolution();
        int per = 3 * res * res;
        float[] pixels = from == 0 && to == b.labels().length ? b.pixels() : Arrays.copyOfRange(b.pixels(), from * per, to * per);
        NDArray images = scope.create(pixels, new Shape(to - from, 3, res, res));
        return clip.logits(clip.image().encode(images, ti), textFeatures);
    }

    private static int correct(NDArray logits, int[] labels) {
        long[] pred = logits.argMax(1).toLongArray();
        int c = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == labels[i]) {
                c++;
            }
        }
        return c;
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
