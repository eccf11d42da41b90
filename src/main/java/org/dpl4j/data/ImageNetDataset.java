package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ImageNet in CoOp's layout: {@code root/imagenet/images/{train,val}/<wnid>/*} and
 * {@code root/imagenet/classnames.txt} with lines {@code <wnid> <class name words...>}.
 * Labels follow the sorted wnid folders of {@code images/train}, as in CoOp.
 *
 * <p><b>Deliberate difference from CoOp:</b> CoOp uses {@code images/val} both as test and as
 * validation set, so the architecture search would pick alphas on test images. Here test is
 * {@code images/val} and val is carved out of train instead: {@link #VAL_FRACTION} of each class,
 * chosen by {@link SplitCarver} with seed {@link SplitCarver#SEED}; those images leave train.
 */
final class ImageNetDataset implements DatasetLoader {
    static final String NAME = "ImageNet";
    /** Share of each class's training images moved to the val split. */
    static final double VAL_FRACTION = 0.2;

    @Override
    public DatasetSplits load(Path root) throws IOException {
        Path dir = root.resolve("imagenet").toAbsolutePath().normalize();
        Path trainDir = dir.resolve("images").resolve("train");
        Path valDir = dir.resolve("images").resolve("val");
        Path namesFile = dir.resolve("classnames.txt");
        for (Path required : List.of(trainDir, valDir)) {
            if (!Files.isDirectory(required)) {
                throw new DatasetException(NAME + ": folder " + required + " not found (expected imagenet/{images/train, "
                        + "images/val, classnames.txt} under " + root + ")");
            }
        }
        Map<String, String> names = readClassNames(namesFile);

        List<Path> folders = ImageFiles.subdirectories(trainDir);
        if (folders.isEmpty()) {
            throw new DatasetException(NAME + ": " + trainDir + " has no class folders");
        }
        List<String> classNames = new ArrayList<>();
        Map<String, Integer> labelOf = new HashMap<>();
        for (Path folder : folders) {
            String wnid = folder.getFileName().toString();
            String name = names.get(wnid);
            if (name == null) {
                throw new DatasetException(NAME + ": class folder " + folder + " has no line in " + namesFile);
            }
            labelOf.put(wnid, classNames.size());
            classNames.add(CoopNames.forPrompt(name));
        }
        List<Sample> trainAll = list(trainDir, labelOf, classNames);
        List<Sample> test = list(valDir, labelOf, classNames);
        List<List<Sample>> parts = SplitCarver.carve(trainAll, classNames.size(),
                new double[] {1 - VAL_FRACTION, VAL_FRACTION}, SplitCarver.SEED);
        return new DatasetSplits(NAME, classNames, parts.get(0), parts.get(1), test);
    }

    private static Map<String, String> readClassNames(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(NAME + ": " + file + " not found (lines '<wnid> <class name>')");
        }
        Map<String, String> names = new HashMap<>();
        List<String> lines = TextLines.read(file, NAME);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space < 0) {
                throw new DatasetException(NAME + ": " + file + ":" + (i + 1) + " is not '<wnid> <class name>': " + line);
            }
            names.put(line.substring(0, space), line.substring(space + 1).strip());
        }
        return names;
    }

    /** Every image under {@code splitDir/<wnid>/}, class folders unknown to train being an error. */
    private static List<Sample> list(Path splitDir, Map<String, Integer> labelOf, List<String> classNames)
            throws IOException {
        List<Sample> out = new ArrayList<>();
        for (Path folder : ImageFiles.subdirectories(splitDir)) {
            Integer label = labelOf.get(folder.getFileName().toString());
            if (label == null) {
                throw new DatasetException(NAME + ": class folder " + folder + " does not exist in images/train");
            }
            for (Path image : ImageFiles.images(folder, false)) {
                out.add(new Sample(image, label, classNames.get(label)));
            }
        }
        return out;
    }
}
