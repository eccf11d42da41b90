package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** 24x18 images whose CLIP transform depends on the {@link org.dpl4j.data.image.DecodeOrder}. */
public final class OrderSensitiveImages {
    public static final int W = 24;
    public static final int H = 18;
    /** Six palette colours; entry 5 is fully transparent, which convert("RGB") ignores. */
    public static final byte[] PAL_R = bytes(250, 10, 30, 200, 0, 90);
    public static final byte[] PAL_G = bytes(20, 240, 60, 200, 0, 180);
    public static final byte[] PAL_B = bytes(30, 20, 250, 40, 0, 15);
    private static final byte[] PAL_A = bytes(255, 255, 255, 255, 255, 0);

    private OrderSensitiveImages() {}

    /** Random indices into the six-colour palette, every entry used. */
    public static BufferedImage palette() {
        IndexColorModel icm = new IndexColorModel(8, PAL_R.length, PAL_R, PAL_G, PAL_B, PAL_A);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, icm);
        Random rng = new Random(11);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = x + y * W;
                img.getRaster().setSample(x, y, 0, i < PAL_R.length ? i : rng.nextInt(PAL_R.length));
            }
        }
        return img;
    }

    /** Random colours; alpha 0, 255 and values between, so premultiplying changes the resize. */
    public static BufferedImage rgba() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB);
        Random rng = new Random(12);
        int[] alphas = {0, 255, 1, 64, 128, 200, 254};
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                img.setRGB(x, y, alphas[rng.nextInt(alphas.length)] << 24 | rng.nextInt(1 << 24));
            }
        }
        return img;
    }

    /** Writes {@code img} as a PNG at {@code file}; a sample of class 0 named "x". */
    public static Sample sample(BufferedImage img, Path file) throws IOException {
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
        return new Sample(file, 0, "x");
    }

    private static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }
}
