package org.dpl4j.cli;

import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/** Where commands print their progress lines (stderr keeps stdout for results and JSON). */
final class Logs {
    private Logs() {}

    static Consumer<String> stderr(boolean quiet) {
        return quiet ? s -> {} : s -> {
            System.err.println(s);
            System.err.flush();
        };
    }

    /**
     * The command line that started {@code command} as run.json records it: the program's name
     * ({@code dpl4j}, or {@code dpl4j-spark}) and every argument as given, the subcommand's name
     * among them, once.
     */
    static String commandLine(CommandSpec command) {
        CommandSpec root = command.root();
        return String.join(" ", root.name(), String.join(" ", root.commandLine().getParseResult().originalArgs())).strip();
    }
}
