package io.github.scratchnet.cli;

import io.github.scratchnet.core.io.FileFormatException;
import io.github.scratchnet.core.io.ParamFiles;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a picture of a digit into an MNIST-like (1, 1, 28, 28) input: grey levels in [0, 1],
 * light digit on dark (inverted when the border is light), the ink's bounding box scaled to fit
 * 20x20 and placed in 28x28 by its centre of mass, as MNIST was made.
 */
final class Digits {
    private Digits() {
    }

    /** The picture, or null where no reader takes it; refused before decoding where it declares too many pixels. */
    private static BufferedImage read(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > MAX_PIXELS) {
                    throw new FileFormatException(file.toString(), "the image is " + w + "x" + h + " pixels, more than the "
                            + MAX_PIXELS / 1_000_000 + " megapixels a picture of a digit may have");
                }
                return reader.read(0);
            } catch (FileFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                return null;
            } finally {
                reader.dispose();
            }
        }
    }

    /** The most pixels a picture may have: 25 megapixels, a 5000x5000 photo; its size is read before the pixels are. */
    static final long MAX_PIXELS = 25_000_000;

    static INDArray load(Path file) throws IOException {
        ParamFiles.requireReadable(file);
        BufferedImage img = read(file);
        if (img == null || img.getWidth() < 1 || img.getHeight() < 1) {
            throw new FileFormatException(file.toString(), "not an image that can be read (expected PNG or JPEG)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        double[][] g = new double[h][w];
        double border = 0;
        int borderCount = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                double a = ((rgb >>> 24) & 0xff) / 255.0;
                double lum = (0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff)) / 255.0;
                g[y][x] = img.getColorModel().hasAlpha() ? lum * a + (1 - a) : lum; // transparent counts as white
                if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
                    border += g[y][x];
                    borderCount++;
                }
            }
        }
        boolean invert = border / borderCount > 0.5;
        int minX = w, minY = h, maxX = -1, maxY = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (invert) {
                    g[y][x] = 1 - g[y][x];
                }
                if (g[y][x] > 0.2) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        float[] pixels = new float[28 * 28];
        if (maxX >= 0) {
            int bw = maxX - minX + 1;
            int bh = maxY - minY + 1;
            double scale = 20.0 / Math.max(bw, bh);
            int sw = Math.max(1, (int) Math.round(bw * scale));
            int sh = Math.max(1, (int) Math.round(bh * scale));
            BufferedImage crop = new BufferedImage(bw, bh, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < bh; y++) {
                for (int x = 0; x < bw; x++) {
                    int v = (int) Math.round(255 * Math.max(0, Math.min(1, g[minY + y][minX + x])));
                    crop.getRaster().setSample(x, y, 0, v);
                }
            }
            BufferedImage small = new BufferedImage(sw, sh, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D gr = small.createGraphics();
            gr.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            gr.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            gr.drawImage(crop, 0, 0, sw, sh, null);
            gr.dispose();
            double mass = 0, cx = 0, cy = 0;
            for (int y = 0; y < sh; y++) {
                for (int x = 0; x < sw; x++) {
                    double v = small.getRaster().getSample(x, y, 0) / 255.0;
                    mass += v;
                    cx += v * x;
                    cy += v * y;
                }
            }
            int ox = (int) Math.round(14 - (mass > 0 ? cx / mass : sw / 2.0) - 0.5);
            int oy = (int) Math.round(14 - (mass > 0 ? cy / mass : sh / 2.0) - 0.5);
            ox = Math.max(0, Math.min(28 - sw, ox));
            oy = Math.max(0, Math.min(28 - sh, oy));
            for (int y = 0; y < sh; y++) {
                for (int x = 0; x < sw; x++) {
                    pixels[(oy + y) * 28 + ox + x] = small.getRaster().getSample(x, y, 0) / 255f;
                }
            }
        }
        return Nd4j.create(pixels, new long[] {1, 1, 28, 28}, 'c');
    }
}
