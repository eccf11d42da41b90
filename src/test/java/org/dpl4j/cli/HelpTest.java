package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every command answers {@code --help} with its usage and options on stdout, exit 0. */
class HelpTest {

    @ParameterizedTest
    @CsvSource({
        "bench,    --classes --attention --tiny --device",
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
}
