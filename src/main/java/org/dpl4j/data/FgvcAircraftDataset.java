package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FGVCAircraft as CoOp reads it: no JSON split, but the dataset's own text files.
 * {@code variants.txt} lists the 100 variants (label = line order);
 * {@code images_variant_{train,val,test}.txt} have lines {@code <image id> <variant words...>}
 * for {@code images/<image id>.jpg}.
 *
 * <p>The folder is {@code root/fgvc_aircraft/data} (the archive's {@code data/} kept in place) or,
 * as CoOp's DATASETS.md has it, {@code root/fgvc_aircraft} with {@code data/}'s content moved up;
 * the first that holds {@code variants.txt} is used.
 */
final class FgvcAircraftDataset implements DatasetLoader {
    static final String NAME = "FGVCAircraft";
    private final MissingFilePolicy policy;

    FgvcAircraftDataset(MissingFilePolicy policy) {
        this.policy = policy;
    }

    @Override
    public DatasetSplits load(Path root) throws IOException {
        Path base = root.resolve("fgvc_aircraft").toAbsolutePath().normalize();
        Path dir = Files.isRegularFile(base.resolve("data").resolve("variants.txt")) ? base.resolve("data") : base;
        Path variantsFile = dir.resolve("variants.txt");
        if (!Files.isRegularFile(variantsFile)) {
            throw new DatasetException(NAME + ": " + base.resolve("data").resolve("variants.txt") + " not found (expected "
                    + "fgvc_aircraft/data/{images, variants.txt, images_variant_{train,val,test}.txt} under " + root + ")");
        }
        Map<String, Integer> labelOf = new HashMap<>();
        for (String line : TextLines.read(variantsFile, NAME)) {
            String variant = line.strip();
            if (!variant.isEmpty() && labelOf.putIfAbsent(variant, labelOf.size()) != null) {
                throw new DatasetException(NAME + ": " + variantsFile + " lists variant '" + variant + "' twice");
            }
        }
        Map<String, List<SplitFile.Entry>> splits = new LinkedHashMap<>();
        Map<String, Path> sources = new HashMap<>();
        for (String split : SplitFile.SPLITS) {
            Path file = dir.resolve("images_variant_" + split + ".txt");
            sources.put(split, file);
            splits.put(split, read(file, labelOf));
        }
        return new SplitBuilder(NAME, dir.resolve("images"), sources, policy).build(splits);
    }

    private static List<SplitFile.Entry> read(Path file, Map<String, Integer> labelOf) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(NAME + ": split file " + file + " not found");
        }
        List<String> lines = TextLines.read(file, NAME);
        List<SplitFile.Entry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space < 0) {
                throw new DatasetException(NAME + ": " + file + ":" + (i + 1) + " is not '<image id> <variant>': " + line);
            }
            String variant = String.join(" ", line.substring(space + 1).strip().split(" +"));
            Integer label = labelOf.get(variant);
            if (label == null) {
                throw new DatasetException(NAME + ": " + file + ":" + (i + 1) + " has variant '" + variant
                        + "' that is not in variants.txt");
            }
            entries.add(new SplitFile.Entry(line.substring(0, space) + ".jpg", label, variant));
        }
        return entries;
    }
}
