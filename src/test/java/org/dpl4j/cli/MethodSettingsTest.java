package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dpl4j.training.TrainSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Train settings per method: CoCoOp and MaPLe default to their published configs (CoOp repo's
 * vit_b16_c4_ep10_batch1_ctxv1, MaPLe repo's vit_b16_c2_ep5_batch4_2ctx), DPL to its own; options
 * given override every method; their fixed text input refuses {@code --text-input} in train.
 */
class MethodSettingsTest {

    private static TrainOptions parse(String... args) {
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.train;
    }

    private static final String[] REQUIRED = {"--model", "m", "--dataset", "dtd", "--root", "r", "--out", "o", "--preset", "x"};

    private static String[] with(String... more) {
        String[] all = java.util.Arrays.copyOf(REQUIRED, REQUIRED.length + more.length);
        System.arraycopy(more, 0, all, REQUIRED.length, more.length);
        return all;
    }

    @Test
    void publishedDefaultsPerMethod() {
        TrainOptions o = parse(REQUIRED);
        TrainSettings cocoop = o.settings(1, "cocoop", new LoaderOptions());
        assertThat(new Object[] {cocoop.sgd().lr(), cocoop.batchSize(), cocoop.epochs(), cocoop.textInput()})
                .containsExactly(0.002f, 1, 10, "a photo of a {}.");
        TrainSettings maple = o.settings(1, "maple", new LoaderOptions());
        assertThat(new Object[] {maple.sgd().lr(), maple.batchSize(), maple.epochs(), maple.textInput()})
                .containsExactly(0.0035f, 4, 5, "a photo of a {}.");
        TrainSettings dpl = o.settings(1, "dpl", new LoaderOptions());
        assertThat(new Object[] {dpl.sgd().lr(), dpl.batchSize(), dpl.epochs(), dpl.textInput()})
                .containsExactly(TrainSettings.defaults().sgd().lr(), 4, 40, "ensemble");
        for (TrainSettings s : new TrainSettings[] {cocoop, maple}) {
            assertThat(new Object[] {s.sgd().momentum(), s.sgd().weightDecay(), s.sgd().warmupEpochs(), s.sgd().warmupLr()})
                    .containsExactly(0.9f, 5e-4f, 1, 1e-5f);
        }
    }

    @Test
    void givenOptionsOverrideEveryMethodButTheFixedTextInput() {
        TrainOptions o = parse(with("--epochs", "15", "--lr", "0.01", "--text-input", "default"));
        TrainSettings cocoop = o.settings(3, "cocoop", new LoaderOptions());
        assertThat(new Object[] {cocoop.epochs(), cocoop.sgd().lr(), cocoop.batchSize(), cocoop.seed(), cocoop.textInput()})
                .containsExactly(15, 0.01f, 1, 3L, "a photo of a {}.");
        assertThat(o.settings(3, "kv-ivlp", new LoaderOptions()).textInput()).isEqualTo("default");
        assertThatThrownBy(() -> o.checkTextInput("ivlp")).hasMessageStartingWith("--text-input: ivlp");
        assertThatThrownBy(() -> o.checkTextInput("maple")).hasMessageStartingWith("--text-input: maple");
        o.checkTextInput("coop");
    }
}
