package io.github.scratchnet.core.cpu;

import io.github.scratchnet.core.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalization per channel straight on (N, C, H, W) arrays, without the permute to rows
 * of channels that the book's form needs: each channel's mean and biased variance over its
 * M = N*H*W elements, {@code xn = (x - mean) / std} with {@code std = sqrt(var + eps)}, and
 * {@code out = gamma * xn + beta}. backward: {@code dbeta = Σ dout}, {@code dgamma = Σ dout * xn},
 * {@code dx = gamma / std * (dout - dbeta / M - xn * dgamma / M)}, the book's chain of steps
 * folded into one expression. Channels run in parallel, each plane through a heap copy, sums in
 * double. x, out, xn, dout, dx: dense FLOAT or DOUBLE arrays; per-channel values in double[].
 */
public final class ChannelNorm {
    private ChannelNorm() {
    }

    /** Training: out and xn from x, with the batch's statistics, written to mean and std (C each). */
    public static void forward(INDArray x, double[] gamma, double[] beta, double eps, INDArray out, INDArray xn,
                               double[] mean, double[] var, double[] std) {
        Planes p = Planes.of(x);
        Workers.forEachItem(p.c, (worker, c) -> {
            HeapArray plane = HeapArray.of(x.dataType(), p.size);
            HeapArray normalized = HeapArray.of(x.dataType(), p.size);
            double sum = 0;
            for (int n = 0; n < p.n; n++) {
                plane.load(p.at(x, n, c), p.size);
                sum += plane.sum(p.size);
            }
            mean[c] = sum / ((double) p.n * p.size);
            double squares = 0;
            for (int n = 0; n < p.n; n++) {
                plane.load(p.at(x, n, c), p.size);
                squares += plane.sumOfSquaresAbout(mean[c], p.size);
            }
            var[c] = squares / ((double) p.n * p.size);
            std[c] = Math.sqrt(var[c] + eps);
            for (int n = 0; n < p.n; n++) {
                plane.load(p.at(x, n, c), p.size);
                plane.normalize(mean[c], 1 / std[c], gamma[c], beta[c], normalized, p.size);
                plane.store(p.at(out, n, c), p.size);
                normalized.store(p.at(xn, n, c), p.size);
            }
        });
    }

    /** Test mode: out from x with given statistics (the running ones). */
    public static void infer(INDArray x, double[] gamma, double[] beta, double[] mean, double[] std, INDArray out) {
        Planes p = Planes.of(x);
        Workers.forEachItem(p.c, (worker, c) -> {
            HeapArray plane = HeapArray.of(x.dataType(), p.size);
            HeapArray normalized = HeapArray.of(x.dataType(), p.size);
            for (int n = 0; n < p.n; n++) {
                plane.load(p.at(x, n, c), p.size);
                plane.normalize(mean[c], 1 / std[c], gamma[c], beta[c], normalized, p.size);
                plane.store(p.at(out, n, c), p.size);
            }
        });
    }

    /** dx from dout, xn and std of the forward; dgamma and dbeta (C each) written too. */
    public static void backward(INDArray dout, INDArray xn, double[] gamma, double[] std, INDArray dx, double[] dgamma,
                                double[] dbeta) {
        Planes p = Planes.of(dout);
        double m = (double) p.n * p.size;
        Workers.forEachItem(p.c, (worker, c) -> {
            HeapArray d = HeapArray.of(dout.dataType(), p.size);
            HeapArray normalized = HeapArray.of(dout.dataType(), p.size);
            double sum = 0;
            double dot = 0;
            for (int n = 0; n < p.n; n++) {
                d.load(p.at(dout, n, c), p.size);
                normalized.load(p.at(xn, n, c), p.size);
                sum += d.sum(p.size);
                dot += d.dot(normalized, p.size);
            }
            dbeta[c] = sum;
            dgamma[c] = dot;
            for (int n = 0; n < p.n; n++) {
                d.load(p.at(dout, n, c), p.size);
                normalized.load(p.at(xn, n, c), p.size);
                d.unnormalize(gamma[c] / std[c], sum / m, dot / m, normalized, p.size);
                d.store(p.at(dx, n, c), p.size);
            }
        });
    }

    /** The planes of an (N, C, H, W) array: plane (n, c) is H*W elements from (n*C + c)*H*W. */
    private record Planes(int n, int c, int size) {
        static Planes of(INDArray x) {
            Shapes.requireRank("ChannelNorm", x.shape(), 4, "(N, C, H, W)");
            return new Planes(Math.toIntExact(x.size(0)), Math.toIntExact(x.size(1)), Math.toIntExact(x.size(2) * x.size(3)));
        }

        long at(INDArray a, int sample, int channel) {
            return RawMemory.span(a, ((long) sample * c + channel) * size, size);
        }
    }
}
