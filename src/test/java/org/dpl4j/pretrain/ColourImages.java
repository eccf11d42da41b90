package org.dpl4j.pretrain;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.model.ClipConfig;

/** A tiny image-folder dataset of noisy solid colours, and a tiny CLIP to pre-train on it. */
final class ColourImages {
    static final List<String> CLASSES = List.of("red", "green", "blue", "yellow");
    private static final int[] RGB = {0xE02020, 0x20C030, 0x2040E0, 0xE0D020};

    private ColourImages() {}

    /** {@code root/<colour>/<i>.png}, 16×16: the image-folder loader keeps half of each class for train. */
    static Path write(Path root, int perClass) throws IOException {
        Random r = new Random(11);
        for (int c = 0; c < CLASSES.size(); c++) {
            Path dir = Files.createDirectories(root.resolve(CLASSES.get(c)));
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        int px = 0;
                        for (int shift = 0; shift <= 16; shift += 8) {
                            int v = ((RGB[c] >> shift) & 0xff) + r.nextInt(41) - 20;
                            px |= Math.max(0, Math.min(255, v)) << shift;
                        }
                        img.setRGB(x, y, px);
                    }
                }
                ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    /** 16 px images in 8 px patches, width 32, 2 layers per tower: a step takes milliseconds. */
    static ClipConfig tinyConfig() {
        return new ClipConfig(16, 16, 2, 32, 2, 8, 77, 49408, 32, 2, 2);
    }

    /** Batch 8 over the 32 train images of {@code write(root, 16)}: 4 steps per epoch. */
    static PretrainSettings settings(Path root, int epochs) {
        return new PretrainSettings(tinyConfig(), List.of(new PretrainSettings.DatasetSpec("imagefolder", root)), epochs,
                8, 2e-3f, 0.1f, 4, 5, List.of("a photo of a {}.", "a {} square.", "something {}."), 0, 1,
                BadSamplePolicy.FAIL);
    }
}
