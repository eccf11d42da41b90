package org.dpl4j.cli;

import org.dpl4j.data.BadSamplePolicy;
import picocli.CommandLine.Option;

/** How training images are read: decoding threads and what to do with an unreadable file. Declared once for every command that trains. */
final class LoaderOptions {
    @Option(names = "--workers", description = "image decoding threads (default: cores)")
    Integer workers;

    @Option(names = "--skip-bad-images", description = "skip and count unreadable images instead of failing")
    boolean skipBad;

    int workers() {
        return workers != null ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    BadSamplePolicy badImages() {
        return skipBad ? BadSamplePolicy.SKIP : BadSamplePolicy.FAIL;
    }
}
