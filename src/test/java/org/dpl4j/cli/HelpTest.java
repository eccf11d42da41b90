package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.dpl4j.search.SearchSettings;
import org.dpl4j.search.SettlingRule;
import org.dpl4j.training.TrainSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every command answers {@code --help} with its usage and options on stdout, exit 0. */
class HelpTest {

    @ParameterizedTest
    @CsvSource({
        "bench,    --classes --attention --tiny --device --products",
        "zeroshot, --model --model-config --data --dataset --root --templates --batch --json --skip-bad-images --device",
        "embed,    --model --model-config --text --image --out --batch --device",
        "doctor,   --device --precision --threads",
        "train,    --image-cache --workers",
    })
    void helpListsTheOptions(String command, String options) {
        Cli.Result r = Cli.run(command, "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: dpl4j " + command);
        for (String option : options.trim().split(" ")) {
            assertThat(r.out()).contains(option);
        }
        assertThat(r.errLines()).isEmpty();
    }

    /** Every command's help renders cleanly: picocli warns on stderr about an unescaped % and the like. */
    @ParameterizedTest
    @CsvSource({"zeroshot", "embed", "search", "train", "eval", "predict", "export", "serve", "loadtest", "run", "bench", "report", "demo",
        "doctor"})
    void everyHelpRendersWithoutWarnings(String command) {
        Cli.Result r = Cli.run(command, "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: dpl4j " + command);
        assertThat(r.errLines()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"zeroshot", "embed", "doctor"})
    void mainHelpListsTheCommand(String command) {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("(?m)^\\s+" + command + "\\s+\\S");
    }

    /**
     * The defaults the help states are the ones the settings records hold at run time (the help is
     * built from their constants, never hand-written), and {@code --shots 0} is explained.
     */
    @Test
    void theHelpStatesTheSettingsRecordsDefaults() {
        TrainSettings t = TrainSettings.defaults();
        SearchSettings s = SearchSettings.defaults();
        String run = Cli.run("run", "--help").out().replaceAll("\\s+", " ");
        assertThat(run).contains("train epochs (default: " + t.epochs() + ";", "train batch size (default: " + t.batchSize() + ";",
                "SGD learning rate (default: " + t.sgd().lr() + ";", "(default: " + t.textInput() + ";",
                "(default: " + t.distillWeight() + " = off)", "evaluation batch size (default: " + t.evalBatch() + ")",
                "search epochs (default: " + s.epochs() + ")", "prompt-step batch (default: " + s.batchSize() + ")",
                "alpha-step batch (default: " + s.valBatch() + ")", "naive (the reference's per-candidate attention; default: "
                        + s.attention().name().toLowerCase(java.util.Locale.ROOT) + ")",
                "starting with 0 (default: " + String.join(",", s.candidates().stream().map(String::valueOf).toList()) + ")",
                "--stop-when-settled (default: " + SettlingRule.OFF.margin() + ")");
        for (String command : new String[] {"run", "train", "search", "demo"}) {
            assertThat(Cli.run(command, "--help").out().replaceAll("\\s+", " ")).as(command)
                    .contains("--shots=<shots> images per class for training; 0 trains on all images, as Dassl's NUM_SHOTS 0");
        }
    }
}
