package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads one dataset layout into {@link DatasetSplits}. Implementations only list files; they never
 * decode images, so loading even ImageNet's file list takes seconds, not hours.
 */
@FunctionalInterface
public interface DatasetLoader {

    /**
     * @param root the folder that contains the dataset folder, as in CoOp ({@code root/caltech-101/...});
     *             for {@code imagefolder} the image folder itself
     * @throws DatasetException when the layout is wrong or a listed file is missing (message names the file)
     * @throws IOException when a file cannot be read
     */
    DatasetSplits load(Path root) throws IOException;
}
