package io.github.scratchnet.cli;

import io.github.scratchnet.core.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pictures the book draws with matplotlib, as PNG files: the first convolution's filters
 * (ch07/visualize_filter.py), the misclassified test images (ch08/misclassified_mnist.py) and the
 * confusion matrix as a heat map.
 */
final class Pictures {
    private static final int SCALE = 3;

    private Pictures() {
    }

    /**
     * Filters W (FN, C, FH, FW) as a grid of small grey images, the first channel of each, each
     * scaled to its own range and drawn as the book does (gray_r: the largest weight black).
     */
    static void filters(INDArray w, String title, Path png) throws IOException {
        int fn = (int) w.size(0);
        int fh = (int) w.size(2);
        int fw = (int) w.size(3);
        int cell = Math.max(8, 48 / Math.max(fh, fw)) * Math.max(fh, fw);       // a 3x3 filter drawn 48 pixels wide
        int cols = Math.min(8, fn);
        int rows = (fn + cols - 1) / cols;
        int gap = 6;
        BufferedImage img = canvas(cols * (cell + gap) + gap, rows * (cell + gap) + gap + 24);
        Graphics2D g = graphics(img);
        g.drawString(title, gap, 16);
        INDArray f = w.castTo(DataType.DOUBLE);
        for (int i = 0; i < fn; i++) {
            double[] v = f.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                    .dup('c').data().asDouble();
            double min = java.util.Arrays.stream(v).min().orElse(0);
            double max = java.util.Arrays.stream(v).max().orElse(1);
            int x0 = gap + (i % cols) * (cell + gap);
            int y0 = 24 + gap + (i / cols) * (cell + gap);
            for (int y = 0; y < fh; y++) {
                for (int x = 0; x < fw; x++) {
                    int grey = (int) Math.round(255 * (1 - (v[y * fw + x] - min) / Math.max(max - min, 1e-12)));
                    g.setColor(new Color(grey, grey, grey));
                    g.fillRect(x0 + x * cell / fw, y0 + y * cell / fh, cell / fw, cell / fh);
                }
            }
        }
        write(img, png);
    }

    /** Up to 40 misclassified test images, each with its label and the predicted class, as the book shows them. */
    static void misclassified(INDArray images, int[] labels, int[] predicted, Path png) throws IOException {
        int[] wrong = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] != predicted[i]).limit(40).toArray();
        int cols = 8;
        int rows = Math.max(1, (wrong.length + cols - 1) / cols);
        int cell = 28 * SCALE;
        int label = 18;
        BufferedImage img = canvas(cols * (cell + 8) + 8, rows * (cell + label + 8) + 32);
        Graphics2D g = graphics(img);
        long all = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] != predicted[i]).count();
        g.drawString("misclassified: " + all + " of " + labels.length + " (the first " + wrong.length
                + "; label -> predicted)", 8, 18);
        for (int k = 0; k < wrong.length; k++) {
            int i = wrong[k];
            int x0 = 8 + (k % cols) * (cell + 8);
            int y0 = 32 + (k / cols) * (cell + label + 8);
            float[] pixels = images.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).castTo(DataType.FLOAT).dup('c')
                    .data().asFloat();
            int h = (int) images.size(2);
            int w = (int) images.size(3);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int grey = 255 - Math.round(Math.max(0, Math.min(1, pixels[y * w + x])) * 255);   // dark ink on white
                    g.setColor(new Color(grey, grey, grey));
                    g.fillRect(x0 + x * cell / w, y0 + y * cell / h, cell / w, cell / h);
                }
            }
            g.setColor(Color.BLACK);
            g.drawRect(x0, y0, cell, cell);
            g.setColor(new Color(200, 0, 0));
            g.drawString(labels[i] + " -> " + predicted[i], x0 + 2, y0 + cell + 14);
        }
        write(img, png);
    }

    /** The confusion matrix (rows the label, columns the prediction) as a heat map, each cell's count written in it. */
    static void confusion(long[][] counts, Path png) throws IOException {
        int k = counts.length;
        int cell = 44;
        int left = 60;
        int top = 56;
        BufferedImage img = canvas(left + k * cell + 16, top + k * cell + 16);
        Graphics2D g = graphics(img);
        g.drawString("confusion matrix: rows the label, columns the predicted class (log scale)", 8, 18);
        long max = 1;
        for (long[] row : counts) {
            for (long c : row) {
                max = Math.max(max, c);
            }
        }
        FontMetrics fm = g.getFontMetrics();
        for (int c = 0; c < k; c++) {
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(c), left + c * cell + cell / 2 - 4, top - 8);
            g.drawString(Integer.toString(c), left - 20, top + c * cell + cell / 2 + 5);
        }
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                double t = counts[r][c] == 0 ? 0 : Math.log1p(counts[r][c]) / Math.log1p(max);
                Color fill = new Color((int) (255 - 230 * t), (int) (255 - 160 * t), 255);
                g.setColor(fill);
                g.fillRect(left + c * cell, top + r * cell, cell, cell);
                g.setColor(new Color(190, 190, 190));
                g.drawRect(left + c * cell, top + r * cell, cell, cell);
                String s = Long.toString(counts[r][c]);
                g.setColor(t > 0.6 ? Color.WHITE : Color.BLACK);
                g.drawString(s, left + c * cell + (cell - fm.stringWidth(s)) / 2, top + r * cell + cell / 2 + 5);
            }
        }
        write(img, png);
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        return g;
    }

    private static void write(BufferedImage img, Path png) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        AtomicFiles.write(png, out -> bytes.writeTo(out));
    }
}
