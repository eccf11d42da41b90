package org.dpl4j.cli;

import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.image.ImageCache;
import picocli.CommandLine.Option;

/** How training images are read: decoding threads and what to do with an unreadable file. Declared once for every command that trains. */
final class LoaderOptions {
    @Option(names = "--workers", description = "image decoding threads (default: cores)")
    Integer workers;

    @Option(names = "--skip-bad-images", description = "skip and count unreadable images instead of failing")
    boolean skipBad;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    /** Sets the process's {@link ImageCache} limit when the option is given (picocli calls this while parsing). */
    @Option(names = "--image-cache", paramLabel = "MB",
            description = "decoded few-shot images kept in memory, so each is decoded once per run, not once per epoch"
                    + " (augmentation is still drawn per epoch: the same results); 0 = off. Default: 1024, or a quarter of the heap if less")
    void imageCache(long mb) {
        if (mb < 0) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(), "--image-cache must be >= 0 MB, got " + mb);
        }
        ImageCache.shared().limit(mb << 20);
    }

    int workers() {
        return workers != null ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    BadSamplePolicy badImages() {
        return skipBad ? BadSamplePolicy.SKIP : BadSamplePolicy.FAIL;
    }
}
