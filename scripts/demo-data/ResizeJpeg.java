import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Downscales JPEGs for demo-data/ (run by scripts/make-demo-data.sh as a single-file program:
 * {@code java ResizeJpeg.java LIST MAX_SIDE QUALITY}).
 *
 * <p>LIST has one {@code source<TAB>destination} pair per line. Each source is decoded with the JDK's
 * ImageIO, scaled so that its longer side is at most MAX_SIDE pixels (aspect ratio kept, sizes
 * rounded to the nearest pixel; smaller images keep their size) with an area-average (box) filter
 * that weights each source pixel by the fraction of it an output pixel covers, and written as a baseline JFIF JPEG with the JDK's encoder at QUALITY (0..100), no other metadata.
 * Only the JDK is needed, so the output is the same wherever the same JDK runs.
 */
public final class ResizeJpeg {
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java ResizeJpeg.java LIST MAX_SIDE QUALITY");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        int maxSide = Integer.parseInt(args[1]);
        float quality = Integer.parseInt(args[2]) / 100f;
        int n = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\t");
            if (parts.length != 2) {
                throw new IOException("bad line in " + args[0] + ": " + line);
            }
            convert(Path.of(parts[0]), Path.of(parts[1]), maxSide, quality);
            n++;
        }
        System.out.println("ResizeJpeg: wrote " + n + " JPEGs (longer side <= " + maxSide + " px, quality "
                + args[2] + ")");
    }

    /** Box-filter resampling of {@code in}'s RGB to {@code nw x nh}, separable: rows, then columns. */
    static BufferedImage areaAverage(BufferedImage in, int nw, int nh) {
        int w = in.getWidth();
        int h = in.getHeight();
        int[] argb = in.getRGB(0, 0, w, h, null, 0, w);
        double[][] src = new double[3][w * h];
        for (int i = 0; i < w * h; i++) {
            src[0][i] = (argb[i] >> 16) & 0xff;
            src[1][i] = (argb[i] >> 8) & 0xff;
            src[2][i] = argb[i] & 0xff;
        }
        double[][] wx = weights(w, nw);
        double[][] wy = weights(h, nh);
        int[] rgb = new int[nw * nh];
        for (int c = 0; c < 3; c++) {
            double[] tmp = new double[nw * h]; // horizontal pass
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < nw; x++) {
                    double acc = 0;
                    for (int sx = 0; sx < w; sx++) {
                        double k = wx[x][sx];
                        if (k != 0) {
                            acc += k * src[c][y * w + sx];
                        }
                    }
                    tmp[y * nw + x] = acc;
                }
            }
            for (int y = 0; y < nh; y++) { // vertical pass
                for (int x = 0; x < nw; x++) {
                    double acc = 0;
                    for (int sy = 0; sy < h; sy++) {
                        double k = wy[y][sy];
                        if (k != 0) {
                            acc += k * tmp[sy * nw + x];
                        }
                    }
                    int v = (int) Math.round(acc);
                    v = Math.max(0, Math.min(255, v));
                    rgb[y * nw + x] |= v << (16 - 8 * c);
                }
            }
        }
        BufferedImage out = new BufferedImage(nw, nh, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, nw, nh, rgb, 0, nw);
        return out;
    }

    /** weights[o][i]: the share of output pixel o (of m) that source pixel i (of n) covers; rows sum to 1. */
    private static double[][] weights(int n, int m) {
        double scale = (double) n / m;
        double[][] wt = new double[m][n];
        for (int o = 0; o < m; o++) {
            double lo = o * scale;
            double hi = (o + 1) * scale;
            for (int i = (int) Math.floor(lo); i < Math.min(n, (int) Math.ceil(hi)); i++) {
                double cover = Math.min(hi, i + 1) - Math.max(lo, i);
                if (cover > 0) {
                    wt[o][i] = cover / scale;
                }
            }
        }
        return wt;
    }

    private static void convert(Path src, Path dst, int maxSide, float quality) throws IOException {
        BufferedImage in = ImageIO.read(src.toFile());
        if (in == null) {
            throw new IOException("cannot decode " + src);
        }
        int w = in.getWidth();
        int h = in.getHeight();
        int longer = Math.max(w, h);
        int nw = w;
        int nh = h;
        if (longer > maxSide) {
            double s = (double) maxSide / longer;
            nw = Math.max(1, Math.min(maxSide, (int) Math.round(w * s)));
            nh = Math.max(1, Math.min(maxSide, (int) Math.round(h * s)));
        }
        BufferedImage out = areaAverage(in, nw, nh);
        Files.createDirectories(dst.toAbsolutePath().getParent());
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        Files.deleteIfExists(dst);
        try (ImageOutputStream os = ImageIO.createImageOutputStream(dst.toFile())) {
            writer.setOutput(os);
            writer.write(null, new IIOImage(out, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
