package org.dpl4j.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** File-system helpers shared by the loaders: listing image folders and cheap existence checks. */
final class ImageFiles {
    /** Extensions (lower case) that count as images when a layout is discovered by listing folders. */
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff");

    private ImageFiles() {}

    static boolean isHidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !isHidden(p) && dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Non-hidden sub-folders of {@code dir}, sorted by name (labels follow this order, as in CoOp). */
    static List<Path> subdirectories(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!isHidden(p) && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /**
     * Image files in {@code dir} (and its sub-folders when {@code recursive}), sorted by path string
     * so the result is the same whatever order the file system lists them in.
     */
    static List<Path> images(Path dir, boolean recursive) throws IOException {
        List<Path> out;
        try (Stream<Path> s = recursive ? Files.walk(dir) : Files.list(dir)) {
            out = new ArrayList<>(s.filter(p -> Files.isRegularFile(p) && isImage(p) && !hiddenBelow(dir, p))
                    .map(p -> p.toAbsolutePath().normalize())
                    .toList());
        }
        out.sort(Comparator.comparing(p -> p.toString().replace('\\', '/')));
        return out;
    }

    private static boolean hiddenBelow(Path dir, Path p) {
        for (Path part : dir.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Answers "does this file exist?" by listing each parent folder once instead of one {@code stat}
     * per file: a split file names thousands of images in a hundred folders, and on network file
     * systems a listing is far cheaper than thousands of lookups.
     */
    static final class ExistenceCheck {
        private final Map<Path, Set<String>> listings = new HashMap<>();

        boolean exists(Path file) throws IOException {
            Path parent = file.getParent();
            if (parent == null) {
                return Files.isRegularFile(file);
            }
            Set<String> names = listings.get(parent);
            if (names == null) {
                names = new HashSet<>();
                if (Files.isDirectory(parent)) {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
                        for (Path p : ds) {
                            if (!Files.isDirectory(p)) {
                                names.add(p.getFileName().toString());
                            }
                        }
                    }
                }
                listings.put(parent, names);
            }
            return names.contains(file.getFileName().toString());
        }
    }
}
