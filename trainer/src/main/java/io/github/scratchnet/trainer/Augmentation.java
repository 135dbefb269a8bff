package io.github.scratchnet.trainer;

import io.github.scratchnet.core.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Random distortions of training images, drawn anew for every image in every epoch (book chapter
 * 8's data augmentation): a shift of up to {@code shift} pixels in each direction, a rotation of
 * up to {@code rotate} degrees either way, a scaling by up to a fraction {@code scale} either way,
 * all about the image's centre, and Simard et al.'s (2003) elastic distortion: a random
 * displacement field, uniform in [-1, 1] per pixel, smoothed by a Gaussian of deviation
 * {@code sigma} and multiplied by {@code alpha} (off where alpha is 0). Each output pixel is read
 * from the source by bilinear interpolation, zero outside the image.
 */
public record Augmentation(double shift, double rotate, double scale, double alpha, double sigma) {
    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0);

    public Augmentation {
        if (!(shift >= 0 && rotate >= 0 && rotate <= 180 && scale >= 0 && scale < 1 && alpha >= 0 && sigma >= 0)
                || alpha > 0 && sigma == 0) {
            throw new IllegalArgumentException("--augment needs shift >= 0, 0 <= rotate <= 180, 0 <= scale < 1 and an"
                    + " elastic ALPHA:SIGMA >= 0 with SIGMA > 0, got shift " + shift + ", rotate " + rotate + ", scale "
                    + scale + ", elastic " + alpha + ":" + sigma);
        }
    }

    /**
     * Reads a spec such as {@code shift=2,rotate=12,scale=0.1,elastic=34:4} (or {@code elastic=off}),
     * where a missing key is 0 (off); {@code off} or an empty spec for none.
     */
    public static Augmentation parse(String spec) {
        double shift = 0;
        double rotate = 0;
        double scale = 0;
        double alpha = 0;
        double sigma = 0;
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("off") || s.equals("none")) {
            return NONE;
        }
        for (String part : s.split(",")) {
            String[] kv = part.trim().split("=", 2);
            String value = kv.length == 2 ? kv[1].trim() : "";
            try {
                switch (kv[0].trim()) {
                    case "shift" -> shift = Double.parseDouble(value);
                    case "rotate" -> rotate = Double.parseDouble(value);
                    case "scale" -> scale = Double.parseDouble(value);
                    case "elastic" -> {
                        if (!value.equals("off")) {
                            String[] as = value.split(":", 2);
                            alpha = Double.parseDouble(as[0]);
                            sigma = as.length == 2 ? Double.parseDouble(as[1]) : Double.NaN;
                        }
                    }
                    default -> throw new IllegalArgumentException("--augment: unknown '" + kv[0].trim()
                            + "', expected shift, rotate, scale or elastic, as in shift=2,rotate=12,scale=0.1,elastic=34:4");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--augment: '" + part.trim() + "' is not KEY=NUMBER (elastic=ALPHA:SIGMA or off)");
            }
        }
        if (Double.isNaN(sigma)) {
            throw new IllegalArgumentException("--augment: elastic takes ALPHA:SIGMA, such as elastic=34:4");
        }
        return new Augmentation(shift, rotate, scale, alpha, sigma);
    }

    public boolean isNone() {
        return equals(NONE);
    }

    /** The spec {@link #parse} reads back. */
    @Override
    public String toString() {
        if (isNone()) {
            return "off";
        }
        List<String> parts = new ArrayList<>();
        parts.add("shift=" + num(shift));
        parts.add("rotate=" + num(rotate));
        parts.add("scale=" + num(scale));
        parts.add("elastic=" + (alpha == 0 ? "off" : num(alpha) + ":" + num(sigma)));
        return String.join(",", parts);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** dst (h*w) = src (h*w) distorted by draws from {@code rng}, always in the same order. */
    public void apply(float[] src, float[] dst, int h, int w, Rng rng) {
        double angle = Math.toRadians(rotate * (2 * rng.nextDouble() - 1));
        double zoom = 1 + scale * (2 * rng.nextDouble() - 1);
        double tx = shift * (2 * rng.nextDouble() - 1);
        double ty = shift * (2 * rng.nextDouble() - 1);
        float[] ux = alpha > 0 ? field(h, w, rng) : null;
        float[] uy = alpha > 0 ? field(h, w, rng) : null;
        // output (x, y) reads the source at the inverse of: scale and rotate about the centre, then shift
        double cos = Math.cos(angle) / zoom;
        double sin = Math.sin(angle) / zoom;
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i++) {
                double dx = x - cx - tx;
                double dy = y - cy - ty;
                double sx = cos * dx + sin * dy + cx + (ux == null ? 0 : ux[i]);
                double sy = -sin * dx + cos * dy + cy + (uy == null ? 0 : uy[i]);
                dst[i] = bilinear(src, h, w, sx, sy);
            }
        }
    }

    /** A displacement field: uniform in [-1, 1], smoothed by a normalised Gaussian (edges clamped), times alpha. */
    private float[] field(int h, int w, Rng rng) {
        float[] u = new float[h * w];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) (2 * rng.nextDouble() - 1);
        }
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int j = -r; j <= r; j++) {
            k[j + r] = Math.exp(-j * j / (2 * sigma * sigma));
            sum += k[j + r];
        }
        for (int j = 0; j < k.length; j++) {
            k[j] /= sum;
        }
        float[] rows = new float[h * w];
        blur(u, rows, h, w, k, true, 1);
        blur(rows, u, h, w, k, false, alpha);
        return u;
    }

    /** out = factor * in convolved with k along each row (or each column), the edge pixel repeated beyond the edge. */
    private static void blur(float[] in, float[] out, int h, int w, double[] k, boolean alongRows, double factor) {
        int r = k.length / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int j = -r; j <= r; j++) {
                    int xx = alongRows ? Math.min(w - 1, Math.max(0, x + j)) : x;
                    int yy = alongRows ? y : Math.min(h - 1, Math.max(0, y + j));
                    acc += k[j + r] * in[yy * w + xx];
                }
                out[y * w + x] = (float) (factor * acc);
            }
        }
    }

    /** src at (sx, sy), interpolated between its four neighbours; 0 outside the image. */
    private static float bilinear(float[] src, int h, int w, double sx, double sy) {
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        double fx = sx - x0;
        double fy = sy - y0;
        return (float) ((1 - fy) * ((1 - fx) * at(src, h, w, x0, y0) + fx * at(src, h, w, x0 + 1, y0))
                + fy * ((1 - fx) * at(src, h, w, x0, y0 + 1) + fx * at(src, h, w, x0 + 1, y0 + 1)));
    }

    private static double at(float[] src, int h, int w, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : src[y * w + x];
    }
}
