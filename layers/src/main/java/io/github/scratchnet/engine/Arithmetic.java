package io.github.scratchnet.engine;

import io.github.scratchnet.core.ConvGeometry;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.Winograd;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Residual;
import io.github.scratchnet.layers.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The matrix products of one training step of a network, as shapes: for each Convolution and
 * Affine the forward product, the weight gradient's and the input gradient's (none for the
 * network's first layer, whose input gradient a plan does not compute). A convolution's product
 * in the im2row form is (N·OH·OW, C·FH·FW) · (C·FH·FW, FN); in Winograd's F(2x2, 3x3) it is 16
 * products (FN, C) · (C, N·T) over the T tiles of a plane ({@link Winograd}). The count of
 * multiplications a step performs and the GEMM bounds of {@link CpuRuntime} come from these.
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    /** How a step computes its convolutions. */
    public enum Form {
        /** Every product in the im2row form: the book's arithmetic. */
        IM2ROW,
        /** As the fast plan computes them now: Winograd's forward pass where it is on and applies, im2row for the rest. */
        PLAN,
        /**
         * Winograd F(2x2, 3x3) for the forward pass and the input gradient of every 3x3 stride-1
         * convolution (the input gradient is itself such a convolution, of dout with the flipped
         * filters), im2row for the weight gradients and everything else: the reduced arithmetic.
         */
        REDUCED
    }

    /** c (m, n) = op(a) (m, k) · op(b) (k, n), a transposed where {@code ta} ((k, m) as stored), b where {@code tb}. */
    public record Gemm(long m, long n, long k, boolean ta, boolean tb) {
        public long multiplications() {
            return m * n * k;
        }
    }

    /** The products of one training step of {@code net} over {@code batch} samples, computed in {@code form}. */
    public static List<Gemm> step(Sequential net, int batch, Form form) {
        List<Gemm> gemms = new ArrayList<>();
        long[] shape = Shapes.withBatch(batch, net.inputShape());
        List<Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            add(layers.get(i), shape, form, i > 0, gemms);
            shape = layers.get(i).outputShape(shape);
        }
        return gemms;
    }

    /** Multiplications of one training step in {@code form}. */
    public static long multiplications(Sequential net, int batch, Form form) {
        return step(net, batch, form).stream().mapToLong(Gemm::multiplications).sum();
    }

    private static void add(Layer l, long[] shape, Form form, boolean inputGradient, List<Gemm> gemms) {
        if (l instanceof Residual r) {
            long[] in = shape;
            for (Layer part : r.branch()) {
                add(part, in, form, true, gemms);
                in = part.outputShape(in);
            }
            if (r.shortcut() != null) {
                add(r.shortcut(), shape, form, true, gemms);
            }
            return;
        }
        if (!l.parts().isEmpty()) {
            long[] in = shape;
            for (Layer part : l.parts()) {
                add(part, in, form, true, gemms);
                in = part.outputShape(in);
            }
            return;
        }
        if (l instanceof Affine) {
            long[] w = l.params().get("W").shape();
            long n = shape[0];
            gemms.add(new Gemm(n, w[1], w[0], false, false));                  // x · W
            gemms.add(new Gemm(w[0], w[1], n, true, false));                   // dW = xᵀ · dout
            if (inputGradient) {
                gemms.add(new Gemm(n, w[0], w[1], false, true));               // dx = dout · Wᵀ
            }
        } else if (l instanceof Convolution conv) {
            ConvGeometry g = conv.geometry(shape);
            long n = shape[0];
            long fn = l.params().get("W").size(0);
            long rows = n * g.oh * g.ow;
            long k = g.rowLength();
            boolean winograd = form == Form.REDUCED ? Winograd.applies(g) : form == Form.PLAN && ConvolutionStep.usesWinograd(g);
            if (winograd) {
                winogradGemms(fn, g.c, n * tiles(g.oh, g.ow), gemms);
            } else {
                gemms.add(new Gemm(rows, fn, k, false, true));                 // col · Wᵀ
            }
            gemms.add(new Gemm(fn, k, rows, true, false));                     // dW = doutᵀ · col
            if (inputGradient && form == Form.REDUCED) {
                winogradGemms(g.c, fn, n * tiles(g.h, g.w), gemms);            // dx: dout (FN channels) into C planes
            } else if (inputGradient) {
                gemms.add(new Gemm(rows, k, fn, false, false));                // dcol = dout · W
            }
        }
    }

    /** Tiles of an (h, w) output plane as {@link Winograd} lays them out: each row of tiles with one spare. */
    private static long tiles(int h, int w) {
        return (long) ((h + 1) / 2) * ((w + 1) / 2 + 1);
    }

    /** The 16 products M[ξ] (out, columns) = U[ξ] (out, in) · V[ξ] (in, columns). */
    private static void winogradGemms(long out, long in, long columns, List<Gemm> gemms) {
        for (int xi = 0; xi < 16; xi++) {
            gemms.add(new Gemm(out, columns, in, false, false));
        }
    }
}
