package org.dpl4j.cli;

import java.util.function.Consumer;

/** Where commands print their progress lines (stderr keeps stdout for results and JSON). */
final class Logs {
    private Logs() {}

    static Consumer<String> stderr(boolean quiet) {
        return quiet ? s -> {} : s -> {
            System.err.println(s);
            System.err.flush();
        };
    }

    static String commandLine(String name, String[] args) {
        return "dpl4j " + name + " " + String.join(" ", args);
    }
}
