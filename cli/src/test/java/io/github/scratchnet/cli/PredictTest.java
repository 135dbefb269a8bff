package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.TestData;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.Mnist;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real image files of MNIST test digits, redrawn as a user's pictures would be, classified by the book's params. */
class PredictTest {
    @TempDir
    Path dir;

    /** Digit i of the test set as a PNG or JPEG: scaled up, optionally dark ink on white paper. */
    private Path picture(Dataset test, int i, int size, boolean darkOnLight, String format) throws Exception {
        BufferedImage small = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = Math.round(test.images().getFloat(i, 0, y, x) * 255);
                v = darkOnLight ? 255 - v : v;
                small.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        BufferedImage big = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(small, 0, 0, size, size, null);
        g.dispose();
        Path f = dir.resolve("digit" + i + "." + format);
        ImageIO.write(big, format, f.toFile());
        return f;
    }

    @Test
    void classifiesPicturesOfDigitsInAnySizeAndPolarity() throws Exception {
        Path params = TestData.reference("deep_convnet_params.pkl");
        Dataset test = Mnist.testSet();
        List<String> args = new ArrayList<>(List.of("predict", "--dropout", "book", "--params", params.toString()));
        int n = 30;
        for (int i = 0; i < n; i++) {
            args.add(picture(test, i, 28 + 9 * i, i % 2 == 0, i % 3 == 0 ? "jpg" : "png").toString());
        }
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit, r.toString());
        List<String> lines = r.out.lines().toList();
        assertEquals(n, lines.size(), r.out);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            String line = lines.get(i);
            assertTrue(line.contains("digit" + i + "."), line);
            int predicted = Integer.parseInt(line.substring(line.indexOf(": ") + 2, line.indexOf(" (p=")));
            correct += predicted == test.labels()[i] ? 1 : 0;
        }
        assertTrue(correct >= n - 2, correct + " of " + n + " pictures classified correctly:\n" + r.out);
    }
}
