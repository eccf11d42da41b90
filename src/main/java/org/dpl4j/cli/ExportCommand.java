package org.dpl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dpl4j.api.Bundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dpl4j export}: a train run as one bundle file for {@code serve} and the Java API. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a trained run as one self-describing bundle file: class names, precomputed class text features,"
                + " image prompts, logit scale, preprocessing, the model's path and SHA-256 (and with --with-model its weights).")
final class ExportCommand implements Callable<Integer> {
    @Mixin EngineOptions engine;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "a finished train run directory")
    Path run;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the bundle file to write (replaced atomically)")
    Path out;

    @Option(names = "--with-model", description = "embed the CLIP weights, so the bundle can be copied to a server alone")
    boolean withModel;

    @Option(names = "--model", paramLabel = "PATH", description = "use this model file instead of the recorded path (same SHA-256)")
    Path model;

    @Override
    public Integer call() throws Exception {
        try (Bundle b = Bundle.fromRun(run, model, engine.placement())) {
            b.write(out, withModel);
            System.out.printf("wrote %s: %d classes, %s, model %s%s%n", out, b.info().classNames().size(), b.info().layout(),
                    b.info().model().path(), withModel ? " (embedded)" : "");
        }
        return 0;
    }
}
