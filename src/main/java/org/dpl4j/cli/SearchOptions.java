package org.dpl4j.cli;

import java.util.List;
import java.util.Locale;
import org.dpl4j.search.AttentionMode;
import org.dpl4j.search.SearchSettings;
import org.dpl4j.search.SettlingRule;
import picocli.CommandLine.Option;

/**
 * Search-stage settings; defaults are DPL's (docs/design.md §7), and the help shows them from
 * {@link SearchSettings}'s constants. The options stay null when not given.
 */
final class SearchOptions {
    @Option(names = "--candidates", split = ",", description = "candidate prompt lengths, starting with 0 (default: "
            + SearchSettings.CANDIDATES + ")")
    List<Integer> candidates;

    @Option(names = "--search-epochs", description = "search epochs (default: " + SearchSettings.EPOCHS + ")")
    Integer epochs;

    @Option(names = "--attention", description = "fused or naive (the reference's per-candidate attention; default: "
            + SearchSettings.ATTENTION + ")")
    String attention;

    @Option(names = "--fixed-val-batch", description = "reproduce the reference code: every alpha step uses the first val batch")
    boolean fixedValBatch;

    @Option(names = "--search-batch", description = "prompt-step batch (default: " + SearchSettings.BATCH_SIZE + ")")
    Integer batch;

    @Option(names = "--val-batch", description = "alpha-step batch (default: " + SearchSettings.VAL_BATCH + ")")
    Integer valBatch;

    @Option(names = "--stop-when-settled", paramLabel = "P",
            description = "end the search once the layout has not changed for P epochs and every block's top-two "
                    + "margin is at least --settled-margin (default: off, search all epochs)")
    Integer stopWhenSettled;

    @Option(names = "--settled-margin", paramLabel = "M",
            description = "smallest top-two softmax margin for --stop-when-settled (default: " + SettlingRule.MARGIN + ")")
    Double settledMargin;

    SearchSettings settings(long seed, LoaderOptions loader) {
        SearchSettings.Builder b = SearchSettings.defaults().toBuilder().seed(seed).workers(loader.workers())
                .fixedValBatch(fixedValBatch).badImages(loader.badImages());
        if (candidates != null) {
            b.candidates(candidates);
        }
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (batch != null) {
            b.batchSize(batch);
        }
        if (valBatch != null) {
            b.valBatch(valBatch);
        }
        if (attention != null) {
            b.attention(parse(attention));
        }
        if (stopWhenSettled != null || settledMargin != null) {
            b.settling(new SettlingRule(stopWhenSettled != null ? stopWhenSettled : SettlingRule.OFF.patience(),
                    settledMargin != null ? settledMargin : SettlingRule.OFF.margin()));
        }
        return b.build();
    }

    private static AttentionMode parse(String s) {
        try {
            return AttentionMode.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--attention must be fused or naive, got " + s);
        }
    }
}
