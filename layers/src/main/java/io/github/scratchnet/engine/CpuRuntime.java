package io.github.scratchnet.engine;

import io.github.scratchnet.core.cpu.Gemm;
import io.github.scratchnet.core.cpu.Workers;
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
     * The GEMMs of one training step of {@code net} in {@code form} ({@link Arithmetic#step}),
     * timed alone on all {@code threads} cores, each on its own arrays, for the whole batch. The
     * products run once through OpenBLAS (ND4J's gemm) and once through oneDNN where float32
     * GEMMs go there, alternating, {@code reps} times; medians. A reference for the step's
     * arithmetic, not a floor: the fast kernels multiply sample by sample, on operands that stay
     * in cache, and can run faster than the same products as whole-batch GEMMs.
     */
    public static GemmBound gemmBound(Sequential net, int batch, Arithmetic.Form form, int reps, int threads) {
        DataType type = net.dtype().nd4j();
        List<Arithmetic.Gemm> gemms = Arithmetic.step(net, batch, form);
        List<INDArray[]> calls = new ArrayList<>();                  // {a, b, c}: c = op(a) · op(b)
        double flop = 0;
        for (Arithmetic.Gemm g : gemms) {
            calls.add(new INDArray[] {g.ta() ? Nd4j.rand(type, g.k(), g.m()) : Nd4j.rand(type, g.m(), g.k()),
                g.tb() ? Nd4j.rand(type, g.n(), g.k()) : Nd4j.rand(type, g.k(), g.n()), Nd4j.create(type, g.m(), g.n())});
            flop += 2.0 * g.multiplications();
        }
        var blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        blas.setMaxThreads(threads);
        boolean onednn = type == DataType.FLOAT && Gemm.floatLibrary().equals("oneDNN");
        Runnable viaOpenBlas = () -> {
            for (int i = 0; i < calls.size(); i++) {
                INDArray[] c = calls.get(i);
                Nd4j.gemm(c[0], c[1], c[2], gemms.get(i).ta(), gemms.get(i).tb(), 1.0, 0.0);
            }
        };
        Runnable viaOneDnn = () -> Gemm.withThreads(threads, () -> {
            for (int i = 0; i < calls.size(); i++) {
                INDArray[] c = calls.get(i);
                Arithmetic.Gemm g = gemms.get(i);
                Gemm.gemm(g.ta(), g.tb(), (int) g.m(), (int) g.n(), (int) g.k(), c[0], 0, (int) c[0].size(1),
                        c[1], 0, (int) c[1].size(1), 0.0, c[2], 0, (int) g.n());
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

    /** FLOP of one step's GEMMs and their time through each library (NaN where oneDNN was not timed). */
    public record GemmBound(double flop, double openBlasMs, double oneDnnMs) {
        /** The faster of the two libraries' times. */
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
