package io.github.scratchnet.engine;

import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.Gemm;
import io.github.scratchnet.core.cpu.Workers;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Residual;
import io.github.scratchnet.layers.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The CPU runtime's settings and figures, as the command line and the benchmark need them. */
public final class CpuRuntime {
    private CpuRuntime() {
    }

    /** Threads for the fast kernels and for ND4J's own ops (at least 1). */
    public static void setThreads(int n) {
        Workers.setThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.getEnvironment().setMaxThreads(n);
    }

    /** Threads the fast kernels use, the caller included. */
    public static int threads() {
        return Workers.count();
    }

    /** The library the fast kernels' float32 GEMMs go to: "oneDNN" or "OpenBLAS". */
    public static String floatGemmLibrary() {
        return Gemm.floatLibrary();
    }

    /**
     * The GEMMs of one training step of the book's im2row form, timed alone on all {@code threads}
     * cores: for each Convolution and Affine, the forward product and the two backward products
     * (dW and dx) for the whole batch, with the book's sizes (M = N*OH*OW rows for a convolution,
     * K = C*FH*FW, F filters). Each product runs once through OpenBLAS (ND4J's gemm) and once
     * through oneDNN where float32 GEMMs go there, alternating, {@code reps} times; medians.
     */
    public static GemmBound gemmBound(Sequential net, int batch, int reps, int threads) {
        List<INDArray[]> calls = new ArrayList<>();                  // {a, b, c}: c = op(a) · op(b)
        List<boolean[]> transposes = new ArrayList<>();
        long[] shape = Shapes.withBatch(batch, net.inputShape());
        double flop = 0;
        for (Layer l : net.layers()) {
            flop += gemms(l, shape, net.dtype().nd4j(), calls, transposes);
            shape = l.outputShape(shape);
        }
        DataType type = net.dtype().nd4j();
        var blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        blas.setMaxThreads(threads);
        boolean onednn = type == DataType.FLOAT && Gemm.floatLibrary().equals("oneDNN");
        Runnable viaOpenBlas = () -> {
            for (int i = 0; i < calls.size(); i++) {
                INDArray[] c = calls.get(i);
                Nd4j.gemm(c[0], c[1], c[2], transposes.get(i)[0], transposes.get(i)[1], 1.0, 0.0);
            }
        };
        Runnable viaOneDnn = () -> Gemm.withThreads(threads, () -> {
            for (int i = 0; i < calls.size(); i++) {
                INDArray[] c = calls.get(i);
                boolean ta = transposes.get(i)[0];
                int m = (int) c[2].size(0);
                int n = (int) c[2].size(1);
                int k = (int) (ta ? c[0].size(0) : c[0].size(1));
                Gemm.gemm(ta, transposes.get(i)[1], m, n, k, c[0], 0, (int) c[0].size(1), c[1], 0, (int) c[1].size(1),
                        0.0, c[2], 0, n);
            }
        });
        try {
            viaOpenBlas.run();
            if (onednn) {
                viaOneDnn.run();
            }
            double[] openblas = new double[reps];
            double[] onednnTimes = new double[reps];
            for (int r = 0; r < reps; r++) {
                openblas[r] = millis(viaOpenBlas);
                onednnTimes[r] = onednn ? millis(viaOneDnn) : Double.NaN;
            }
            return new GemmBound(flop, median(openblas), onednn ? median(onednnTimes) : Double.NaN);
        } finally {
            blas.setMaxThreads(before);
            Gemm.singleThreaded();
        }
    }

    /**
     * The three GEMMs of a Convolution or an Affine (of each inside a layer made of layers) for an
     * input of {@code shape}, added to {@code calls}; their FLOP.
     */
    private static double gemms(Layer l, long[] shape, DataType type, List<INDArray[]> calls, List<boolean[]> transposes) {
        if (!l.parts().isEmpty()) {
            double flop = 0;
            long[] in = shape;
            for (Layer part : l instanceof Residual r ? r.branch() : l.parts()) {
                flop += gemms(part, in, type, calls, transposes);
                in = part.outputShape(in);
            }
            if (l instanceof Residual r && r.shortcut() != null) {
                flop += gemms(r.shortcut(), shape, type, calls, transposes);
            }
            return flop;
        }
        if (!(l instanceof Convolution) && !(l instanceof Affine)) {
            return 0;
        }
        long[] out = l.outputShape(shape);
        INDArray w = l.params().get("W");
        long m = l instanceof Convolution ? shape[0] * out[2] * out[3] : shape[0];
        long k = l instanceof Convolution ? w.length() / w.size(0) : w.size(0);
        long f = l instanceof Convolution ? w.size(0) : w.size(1);
        INDArray col = Nd4j.rand(type, m, k);
        INDArray wt = Nd4j.rand(type, f, k);
        INDArray d = Nd4j.rand(type, m, f);
        calls.add(new INDArray[] {col, wt, Nd4j.create(type, m, f)});      // forward: col · Wᵀ
        transposes.add(new boolean[] {false, true});
        calls.add(new INDArray[] {d, col, Nd4j.create(type, f, k)});       // dW = doutᵀ · col
        transposes.add(new boolean[] {true, false});
        calls.add(new INDArray[] {d, wt, Nd4j.create(type, m, k)});        // dcol = dout · W
        transposes.add(new boolean[] {false, false});
        return 3 * 2.0 * m * k * f;
    }

    /** FLOP of one step's GEMMs and their time through each library (NaN where oneDNN was not timed). */
    public record GemmBound(double flop, double openBlasMs, double oneDnnMs) {
        /** The faster of the two: the lower bound of a step at this arithmetic. */
        public double ms() {
            return Double.isNaN(oneDnnMs) ? openBlasMs : Math.min(openBlasMs, oneDnnMs);
        }

        public String library() {
            return ms() == openBlasMs ? "OpenBLAS" : "oneDNN";
        }
    }

    private static double millis(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e6;
    }

    /** The median of some values. */
    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
