package org.dpl4j.cli;

import java.util.List;
import java.util.Locale;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.SearchSettings;
import picocli.CommandLine.Option;

/** Search-stage settings; defaults are DPL's (docs/design.md §7). */
final class SearchOptions {
    @Option(names = "--candidates", split = ",", description = "candidate prompt lengths, starting with 0 (default: 0,1,2,3)")
    List<Integer> candidates;

    @Option(names = "--search-epochs", description = "search epochs (default: 60)")
    Integer epochs;

    @Option(names = "--attention", description = "fused (default) or naive (the reference's per-candidate attention)")
    String attention;

    @Option(names = "--fixed-val-batch", description = "reproduce the reference code: every alpha step uses the first val batch")
    boolean fixedValBatch;

    @Option(names = "--search-batch", description = "prompt-step batch (default: 4)")
    Integer batch;

    @Option(names = "--val-batch", description = "alpha-step batch (default: 16)")
    Integer valBatch;

    SearchSettings settings(long seed, int workers, boolean skipBad) {
        SearchSettings d = SearchSettings.defaults();
        AttentionMode mode = attention == null ? d.attention() : parse(attention);
        return new SearchSettings(candidates != null ? candidates : d.candidates(), epochs != null ? epochs : d.epochs(),
                batch != null ? batch : d.batchSize(), valBatch != null ? valBatch : d.valBatch(), d.promptLr(), d.momentum(),
                d.weightDecay(), d.warmupEpochs(), d.warmupLr(), d.alphaLr(), d.alphaBeta1(), d.alphaBeta2(), fixedValBatch,
                mode, d.template(), d.dominantMargin(), seed, workers,
                skipBad ? org.dpl4j.data.BadSamplePolicy.SKIP : org.dpl4j.data.BadSamplePolicy.FAIL);
    }

    private static AttentionMode parse(String s) {
        try {
            return AttentionMode.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--attention must be fused or naive, got " + s);
        }
    }
}
