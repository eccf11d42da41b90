package org.dpl4j.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** An encoded PNG and its size in pixels; the report embeds it as a data URI. */
record Png(byte[] bytes, int width, int height) {
    static Png of(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JRE");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return new Png(out.toByteArray(), img.getWidth(), img.getHeight());
    }

    String dataUri() {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
    }
}
