package org.dpl4j.cli;

import java.nio.file.Path;
import org.dpl4j.data.DataSpec;
import picocli.CommandLine.Option;

/** Dataset, root, shots, seed and class subset of a run. */
final class DataOptions {
    @Option(names = "--dataset", required = true, description = "CoOp dataset name (e.g. DescribableTextures, dtd, OxfordPets) or imagefolder")
    String dataset;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "folder holding the dataset folders (CoOp layout)")
    Path root;

    @Option(names = "--shots", defaultValue = "16", description = DataSpec.SHOTS_HELP + " (default: ${DEFAULT-VALUE})")
    int shots;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the few-shot draw and training (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--subsample", defaultValue = "all", description = "all, base or new classes (base-to-new protocol; default: ${DEFAULT-VALUE})")
    String subsample;

    DataSpec spec() {
        return new DataSpec(dataset, root, shots, seed, subsample);
    }
}
