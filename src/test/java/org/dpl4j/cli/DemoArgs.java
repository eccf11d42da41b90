package org.dpl4j.cli;

import static org.dpl4j.testutil.TinyRun.DEMO;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.testutil.Shared;

/**
 * Command lines of the tiny, quick runs the CLI tests make (golden tiny CLIP, two shots of the demo
 * Oxford Pets, one epoch), and options replaced in them.
 */
final class DemoArgs {
    private DemoArgs() {}

    /** The data options every run shares. */
    static List<String> data(String command) {
        return new ArrayList<>(List.of(command, "-q", "--model", Shared.require("golden/tiny-clip").toString(),
                "--dataset", "oxford_pets", "--root", DEMO.toString(), "--shots", "2", "--seed", "1"));
    }

    static List<String> train(Path out, String... more) {
        List<String> a = data("train");
        a.addAll(List.of("--preset", "kv-ivlp", "--epochs", "1", "--lr", "0.01", "--text-input", "default", "--workers", "1",
                "--out", out.toString()));
        return set(a, more);
    }

    static List<String> search(Path out, String... more) {
        List<String> a = data("search");
        a.addAll(List.of("--search-epochs", "1", "--workers", "1", "--out", out.toString()));
        return set(a, more);
    }

    /**
     * {@code args} with options replaced or added ({@code --opt value} pairs, or a flag alone as the
     * last one); picocli refuses an option given twice.
     */
    static List<String> set(List<String> args, String... options) {
        List<String> a = new ArrayList<>(args);
        for (int i = 0; i < options.length; i += 2) {
            int at = a.indexOf(options[i]);
            if (i + 1 == options.length) {
                a.add(options[i]);
            } else if (at >= 0) {
                a.set(at + 1, options[i + 1]);
            } else {
                a.addAll(List.of(options[i], options[i + 1]));
            }
        }
        return a;
    }

    static Cli.Result cli(List<String> args) {
        return Cli.run(args.toArray(new String[0]));
    }
}
