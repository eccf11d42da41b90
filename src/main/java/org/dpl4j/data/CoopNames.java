package org.dpl4j.data;

import java.util.Map;
import java.util.Set;

/**
 * Class-name fixes that CoOp applies, reproduced so that text prompts match the reference.
 *
 * <p>CoOp writes the Caltech101 and EuroSAT fixes into its split files when it creates them, and
 * replaces underscores by spaces in its prompt learner for every dataset. We apply all of them at
 * load time (they are idempotent), so the result is the same whether a split file already carries
 * the fixed names or the raw folder names, and {@link DatasetSplits#classNames()} is prompt-ready.
 */
final class CoopNames {
    /** Caltech101 folders CoOp leaves out ({@code caltech101.py: IGNORED}). */
    static final Set<String> CALTECH_IGNORED = Set.of("BACKGROUND_Google", "Faces_easy");

    /** Caltech101 renames ({@code caltech101.py: NEW_CNAMES}). */
    static final Map<String, String> CALTECH_RENAMES = Map.of(
            "airplanes", "airplane",
            "Faces", "face",
            "Leopards", "leopard",
            "Motorbikes", "motorbike");

    /** EuroSAT folder names to readable names ({@code eurosat.py: NEW_CNAMES}). */
    static final Map<String, String> EUROSAT_RENAMES = Map.of(
            "AnnualCrop", "Annual Crop Land",
            "Forest", "Forest",
            "HerbaceousVegetation", "Herbaceous Vegetation Land",
            "Highway", "Highway or Road",
            "Industrial", "Industrial Buildings",
            "Pasture", "Pasture Land",
            "PermanentCrop", "Permanent Crop Land",
            "Residential", "Residential Buildings",
            "River", "River",
            "SeaLake", "Sea or Lake");

    private CoopNames() {}

    /** CoOp's {@code name.replace("_", " ")}, done in its prompt learner for every dataset. */
    static String forPrompt(String name) {
        return name.replace('_', ' ');
    }
}
