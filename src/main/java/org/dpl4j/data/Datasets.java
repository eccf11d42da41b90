package org.dpl4j.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dpl4j.util.JsonProblem;

/**
 * The datasets dpl4j knows by name: the eleven of the CoOp benchmark plus {@code imagefolder}.
 *
 * <p>Names are matched ignoring case, {@code -}, {@code _} and spaces, against both the CoOp class
 * name and a short alias, so {@code Caltech101}, {@code caltech101} and {@code caltech-101} all work.
 * The root is the folder that <i>contains</i> the dataset folder, as in CoOp (for {@code imagefolder}:
 * the image folder itself). Layouts, relative to the root:
 * <table>
 *   <caption>layouts</caption>
 *   <tr><td>ImageNet</td><td>{@code imagenet/images/{train,val}/<wnid>/*}, {@code imagenet/classnames.txt}
 *       (test = images/val; val carved from train, see {@link ImageNetDataset})</td></tr>
 *   <tr><td>Caltech101</td><td>{@code caltech-101/101_ObjectCategories}, {@code caltech-101/split_zhou_Caltech101.json}</td></tr>
 *   <tr><td>OxfordPets</td><td>{@code oxford_pets/images}, {@code oxford_pets/split_zhou_OxfordPets.json}</td></tr>
 *   <tr><td>StanfordCars</td><td>{@code stanford_cars/}, {@code stanford_cars/split_zhou_StanfordCars.json}</td></tr>
 *   <tr><td>OxfordFlowers</td><td>{@code oxford_flowers/jpg}, {@code oxford_flowers/split_zhou_OxfordFlowers.json},
 *       {@code oxford_flowers/cat_to_name.json}</td></tr>
 *   <tr><td>Food101</td><td>{@code food-101/images}, {@code food-101/split_zhou_Food101.json}</td></tr>
 *   <tr><td>FGVCAircraft</td><td>{@code fgvc_aircraft/data/{images, variants.txt, images_variant_*.txt}}
 *       (see {@link FgvcAircraftDataset})</td></tr>
 *   <tr><td>SUN397</td><td>{@code sun397/SUN397} (or {@code sun397/} itself), {@code sun397/split_zhou_SUN397.json}</td></tr>
 *   <tr><td>DescribableTextures</td><td>{@code dtd/images}, {@code dtd/split_zhou_DescribableTextures.json}</td></tr>
 *   <tr><td>EuroSAT</td><td>{@code eurosat/2750}, {@code eurosat/split_zhou_EuroSAT.json}</td></tr>
 *   <tr><td>UCF101</td><td>{@code ucf101/UCF-101-midframes}, {@code ucf101/split_zhou_UCF101.json}</td></tr>
 *   <tr><td>imagefolder</td><td>{@code <class>/*} or {@code {train,val,test}/<class>/*} (see {@link ImageFolderDataset})</td></tr>
 * </table>
 * Class names are made prompt-ready at load time: CoOp's Caltech101 and EuroSAT fixes, Flowers names
 * from {@code cat_to_name.json}, and underscores as spaces for every dataset (see {@link CoopNames}).
 */
public final class Datasets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(String name, String alias, Function<MissingFilePolicy, DatasetLoader> factory) {}

    private static final List<Entry> ENTRIES = List.of(
            new Entry("ImageNet", "imagenet", p -> new ImageNetDataset()),
            new Entry("Caltech101", "caltech101", p -> splitFile("Caltech101", "caltech-101", "101_ObjectCategories",
                    "split_zhou_Caltech101.json", dir -> Datasets::fixCaltech, p)),
            new Entry("OxfordPets", "oxford_pets", p -> splitFile("OxfordPets", "oxford_pets", "images",
                    "split_zhou_OxfordPets.json", SplitFileDataset.EntryFix.NONE, p)),
            new Entry("StanfordCars", "stanford_cars", p -> splitFile("StanfordCars", "stanford_cars", "",
                    "split_zhou_StanfordCars.json", SplitFileDataset.EntryFix.NONE, p)),
            new Entry("OxfordFlowers", "oxford_flowers", p -> splitFile("OxfordFlowers", "oxford_flowers", "jpg",
                    "split_zhou_OxfordFlowers.json", Datasets::flowerNames, p)),
            new Entry("Food101", "food101", p -> splitFile("Food101", "food-101", "images",
                    "split_zhou_Food101.json", SplitFileDataset.EntryFix.NONE, p)),
            new Entry("FGVCAircraft", "fgvc_aircraft", FgvcAircraftDataset::new),
            new Entry("SUN397", "sun397", p -> new SplitFileDataset(new SplitFileDataset.Layout("SUN397", "sun397",
                    List.of("SUN397", ""), "split_zhou_SUN397.json"), SplitFileDataset.EntryFix.NONE, p)),
            new Entry("DescribableTextures", "dtd", p -> splitFile("DescribableTextures", "dtd", "images",
                    "split_zhou_DescribableTextures.json", SplitFileDataset.EntryFix.NONE, p)),
            new Entry("EuroSAT", "eurosat", p -> splitFile("EuroSAT", "eurosat", "2750", "split_zhou_EuroSAT.json",
                    dir -> e -> e.withClassName(CoopNames.EUROSAT_RENAMES.getOrDefault(e.className(), e.className())), p)),
            new Entry("UCF101", "ucf101", p -> splitFile("UCF101", "ucf101", "UCF-101-midframes",
                    "split_zhou_UCF101.json", SplitFileDataset.EntryFix.NONE, p)),
            new Entry("ImageFolder", "imagefolder", p -> new ImageFolderDataset()));

    private Datasets() {}

    /** The CoOp class names of the known datasets, then {@code ImageFolder}. */
    public static List<String> names() {
        return ENTRIES.stream().map(Entry::name).toList();
    }

    /** Whether {@code name} is a known dataset's name or alias. */
    public static boolean known(String name) {
        String key = normalise(name);
        return ENTRIES.stream().anyMatch(e -> normalise(e.name()).equals(key) || normalise(e.alias()).equals(key));
    }

    /** The canonical (CoOp) name for {@code name} or an alias of it. */
    public static String canonicalName(String name) {
        return find(name).name();
    }

    /** A loader that fails on images missing from a split file. */
    public static DatasetLoader loader(String name) {
        return loader(name, MissingFilePolicy.FAIL);
    }

    /** A loader with the given policy for images listed in a split file but missing on disk. */
    public static DatasetLoader loader(String name, MissingFilePolicy policy) {
        return find(name).factory().apply(policy);
    }

    /** Loads dataset {@code name} from {@code root} (the folder containing the dataset folder). */
    public static DatasetSplits load(String name, Path root) throws IOException {
        return loader(name).load(root);
    }

    /** As {@link #load(String, Path)}, with a policy for missing images. */
    public static DatasetSplits load(String name, Path root, MissingFilePolicy policy) throws IOException {
        return loader(name, policy).load(root);
    }

    private static Entry find(String name) {
        String key = normalise(name);
        for (Entry e : ENTRIES) {
            if (normalise(e.name()).equals(key) || normalise(e.alias()).equals(key)) {
                return e;
            }
        }
        String known = ENTRIES.stream().map(e -> e.name() + " (" + e.alias() + ")").collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown dataset '" + name + "'; known: " + known);
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_ ]", "");
    }

    private static DatasetLoader splitFile(String name, String folder, String imageDir, String splitFile,
                                           SplitFileDataset.EntryFix fix, MissingFilePolicy policy) {
        return new SplitFileDataset(new SplitFileDataset.Layout(name, folder, List.of(imageDir), splitFile), fix, policy);
    }

    /** CoOp's Caltech101: drop BACKGROUND_Google and Faces_easy, rename the four plural classes. */
    private static SplitFile.Entry fixCaltech(SplitFile.Entry e) {
        if (CoopNames.CALTECH_IGNORED.contains(e.className()) || CoopNames.CALTECH_IGNORED.contains(e.topFolder())) {
            return null;
        }
        return e.withClassName(CoopNames.CALTECH_RENAMES.getOrDefault(e.className(), e.className()));
    }

    /**
     * Flowers class names from {@code cat_to_name.json} (key = label + 1), as CoOp builds them. The
     * split file already carries the same names; when {@code cat_to_name.json} is absent they are kept.
     */
    private static SplitFileDataset.Rewrite flowerNames(Path dir) throws IOException {
        Path file = dir.resolve("cat_to_name.json");
        if (!Files.isRegularFile(file)) {
            return e -> e;
        }
        Map<String, String> catToName;
        try {
            catToName = JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {});
        } catch (JacksonException | CharConversionException e) {
            throw new DatasetException("OxfordFlowers: " + file + " is not a JSON object of \"label+1\": \"name\": "
                    + JsonProblem.of(e), e);
        }
        return e -> {
            String name = catToName.get(Integer.toString(e.label() + 1));
            if (name == null) {
                throw new DatasetException("OxfordFlowers: " + file + " has no name for label " + e.label()
                        + " (key \"" + (e.label() + 1) + "\")");
            }
            return e.withClassName(name);
        };
    }
}
