package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The command line a run records: the program, then the arguments as given, the subcommand once. */
class LogsTest {
    private static String recorded(String... args) {
        ParseResult parsed = new CommandLine(new Main()).parseArgs(args);
        return Logs.commandLine(parsed.subcommand().commandSpec());
    }

    @Test
    void theSubcommandIsRecordedOnce() {
        String[] train = {"train", "-q", "--model", "m", "--dataset", "oxford_pets", "--root", "data", "--preset", "ivlp",
            "--epochs", "2", "--out", "runs/a"};
        assertThat(recorded(train))
                .isEqualTo("dpl4j train -q --model m --dataset oxford_pets --root data --preset ivlp --epochs 2 --out runs/a");
        assertThat(recorded("search", "--model", "m", "--dataset", "dtd", "--root", "data", "--out", "runs/s"))
                .isEqualTo("dpl4j search --model m --dataset dtd --root data --out runs/s");
        assertThat(recorded("run", "--model", "m", "--datasets", "dtd", "--root", "data", "--out", "runs/p"))
                .isEqualTo("dpl4j run --model m --datasets dtd --root data --out runs/p");
    }
}
