package io.github.scratchnet.engine;

import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.cpu.Elements;
import io.github.scratchnet.core.cpu.Gemm;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Lstm;
import io.github.scratchnet.layers.Recurrent;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.layers.SeriesModel;
import io.github.scratchnet.layers.SeriesNet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A series network ({@link SeriesNet}: an Rnn or Lstm, an Affine, DeZero's mean squared error) on
 * the CPU runtime: the layers' math without ND4J's per-op cost, which on these small arrays (a
 * batch of 30 by 100 units) is most of a step. Forward, {@code x·Wx + bh + hPrev·Wh} is one
 * {@link Gemm} on the network's own arrays in its data type; the gates, the cell, the output Affine
 * and the loss are loops in double over Java arrays. Backward goes through the remembered steps
 * latest first as the layers do, one GEMM a step for the gradient to hPrev ({@code da·Whᵀ}); the
 * weight gradients, sums over the steps, are one GEMM each over all of them stacked
 * ({@code dWx = Xᵀ·dA}, {@code dWh = Hprevᵀ·dA}). FastSeriesTest holds it equal to SeriesNet.
 */
final class FastSeries implements SeriesModel {
    private final Sequential net;
    private final Recurrent cell;
    private final Affine fc;
    private final boolean lstm;
    private final int in;
    private final int hidden;
    private final int gh;
    private final int out;
    private final DataType type;

    /** The state: h (N, H) in the network's type (for the next h·Wh) and as doubles, c; null before the first step (c: always, for an Rnn). */
    private INDArray hArray;
    private double[] h;
    private double[] c;
    private int batch;

    /** What backward needs of a remembered step: x, hPrev (null on a first step), cPrev, the gates, tanh(c), h, dL/dy. */
    private record Memo(double[] x, double[] hPrev, double[] cPrev, double[] g, double[] tc, double[] h, double[] dy) {
    }

    private final List<Memo> steps = new ArrayList<>();
    // scratch arrays of the network's type
    private INDArray a;
    private INDArray dA;
    private INDArray stacked;
    private INDArray dhPrev;

    FastSeries(Sequential net) {
        new SeriesNet(net);                       // the same check of the layers
        this.net = net;
        this.cell = (Recurrent) net.layers().get(0);
        this.fc = (Affine) net.layers().get(1);
        this.lstm = cell instanceof Lstm;
        INDArray wx = cell.params().get("Wx");
        this.in = (int) wx.size(0);
        this.gh = (int) wx.size(1);
        this.hidden = lstm ? gh / 4 : gh;
        this.out = (int) fc.params().get("W").size(1);
        this.type = net.dtype().nd4j();
    }

    private INDArray param(Layer layer, String key) {
        return Shapes.dense(layer.params().get(key));
    }

    /** One step of the recurrent layer: the new state set, what backward needs returned. */
    private Memo cellForward(INDArray x) {
        int n = (int) x.size(0);
        if (h != null && n != batch) {
            throw new IllegalArgumentException(cell.describe() + ": the state holds " + batch + " samples and the step " + n
                    + ": call resetState() between series of other batch sizes");
        }
        batch = n;
        a = Buffers.reuse(a, type, n, gh);
        Gemm.affine(x, param(cell, "Wx"), param(cell, "bh"), a);                           // x·Wx + bh
        if (h != null) {
            Gemm.gemm(false, false, n, gh, hidden, hArray, 0, hidden, param(cell, "Wh"), 0, gh, 1.0, a, 0, gh);   // + hPrev·Wh
        }
        double[] g = Elements.read(a);
        double[] cPrev = c;
        double[] hNext = new double[n * hidden];
        double[] cNext = lstm ? new double[n * hidden] : null;
        double[] tc = lstm ? new double[n * hidden] : null;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < hidden; j++) {
                int at = r * hidden + j;
                int f = r * gh + j;                                  // the gates of unit j: f, f + H, f + 2H, f + 3H
                if (!lstm) {
                    hNext[at] = g[f] = tanh(g[f]);
                    continue;
                }
                g[f] = sigmoid(g[f]);
                g[f + hidden] = sigmoid(g[f + hidden]);
                g[f + 2 * hidden] = sigmoid(g[f + 2 * hidden]);
                g[f + 3 * hidden] = tanh(g[f + 3 * hidden]);
                cNext[at] = g[f + hidden] * g[f + 3 * hidden] + (cPrev == null ? 0 : g[f] * cPrev[at]);    // i·u + f·cPrev
                tc[at] = tanh(cNext[at]);
                hNext[at] = g[f + 2 * hidden] * tc[at];                                                     // o·tanh(c)
            }
        }
        Memo m = new Memo(Elements.read(x), h, cPrev, g, tc, hNext, null);
        c = cNext;
        h = hNext;
        hArray = Buffers.reuse(hArray, type, n, hidden);
        Elements.write(hNext, hArray, 0);
        return m;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /**
     * tanh through exp, which the JIT compiles to an intrinsic where Math.tanh is a library call
     * several times slower: {@code (1 - e) / (1 + e)} with {@code e = exp(-2|v|)}, the sign put back.
     * Within a few units in the last place of Math.tanh away from 0; near 0 the absolute error is
     * about 1e-16.
     */
    static double tanh(double v) {
        double e = Math.exp(-2 * Math.abs(v));
        double t = (1 - e) / (1 + e);
        return v < 0 ? -t : t;
    }

    /** y = h·W + b for h (N, H): the output Affine. */
    private double[] output(double[] hs, int n) {
        double[] w = Elements.read(param(fc, "W"));
        double[] b = Elements.read(param(fc, "b"));
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double sum = b[o];
                for (int j = 0; j < hidden; j++) {
                    sum += hs[r * hidden + j] * w[j * out + o];
                }
                y[r * out + o] = sum;
            }
        }
        return y;
    }

    @Override
    public double step(INDArray x, INDArray t) {
        INDArray input = Shapes.dense(net.input(x));
        long[] yShape = {x.size(0), out};
        if (!Arrays.equals(yShape, t.shape())) {
            throw new IllegalArgumentException("MeanSquaredError expects targets of the outputs' shape " + Shapes.str(yShape)
                    + ", found " + Shapes.str(t.shape()));
        }
        Memo m = cellForward(input);
        int n = (int) x.size(0);
        double[] y = output(m.h(), n);
        double[] target = Elements.read(Shapes.dense(t.dataType() == type ? t : t.castTo(type)));
        double loss = 0;
        double[] dy = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double d = y[i] - target[i];
            loss += d * d;
            dy[i] = 2 * d / n;
        }
        steps.add(new Memo(m.x(), m.hPrev(), m.cPrev(), m.g(), m.tc(), m.h(), dy));
        return loss / n;
    }

    @Override
    public Map<String, INDArray> backward() {
        if (steps.isEmpty()) {
            throw new IllegalStateException("backward called without a step since the last truncation");
        }
        int n = batch;
        int count = steps.size();
        double[] w = Elements.read(param(fc, "W"));
        double[] dW = new double[hidden * out];
        double[] db = new double[out];
        double[] dbh = new double[gh];
        INDArray wh = param(cell, "Wh");
        dA = Buffers.reuse(dA, type, (long) count * n, gh);
        dhPrev = Buffers.reuse(dhPrev, type, n, hidden);
        double[] dhNext = null;
        double[] dcNext = null;
        for (int k = count - 1; k >= 0; k--) {
            Memo m = steps.get(k);
            double[] d = new double[n * gh];
            double[] dc = lstm ? new double[n * hidden] : null;
            double[] g = m.g();
            for (int r = 0; r < n; r++) {
                for (int o = 0; o < out; o++) {
                    db[o] += m.dy()[r * out + o];
                }
                for (int j = 0; j < hidden; j++) {
                    int at = r * hidden + j;
                    double dh = dhNext == null ? 0 : dhNext[at];
                    for (int o = 0; o < out; o++) {
                        double dy = m.dy()[r * out + o];
                        dh += dy * w[j * out + o];                                       // dy · Wᵀ
                        dW[j * out + o] += m.h()[at] * dy;                               // hᵀ · dy
                    }
                    int f = r * gh + j;
                    if (!lstm) {
                        d[f] = dh * (1 - m.h()[at] * m.h()[at]);                        // tanh' = 1 - h²
                        continue;
                    }
                    double tc = m.tc()[at];
                    double o = g[f + 2 * hidden];
                    double dcAt = dh * o * (1 - tc * tc) + (dcNext == null ? 0 : dcNext[at]);
                    dc[at] = dcAt;
                    d[f] = m.cPrev() == null ? 0 : dcAt * m.cPrev()[at] * g[f] * (1 - g[f]);                // σ' = σ(1-σ)
                    d[f + hidden] = dcAt * g[f + 3 * hidden] * g[f + hidden] * (1 - g[f + hidden]);
                    d[f + 2 * hidden] = dh * tc * o * (1 - o);
                    d[f + 3 * hidden] = dcAt * g[f + hidden] * (1 - g[f + 3 * hidden] * g[f + 3 * hidden]);   // tanh' = 1 - u²
                }
                for (int q = 0; q < gh; q++) {
                    dbh[q] += d[r * gh + q];
                }
            }
            Elements.write(d, dA, (long) k * n * gh);
            if (m.hPrev() == null) {
                dhNext = dcNext = null;
                continue;
            }
            Gemm.gemm(false, true, n, hidden, gh, dA, (long) k * n * gh, gh, wh, 0, gh, 0.0, dhPrev, 0, hidden);   // da·Whᵀ
            dhNext = Elements.read(dhPrev);
            if (lstm) {
                dcNext = new double[n * hidden];
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < hidden; j++) {
                        dcNext[r * hidden + j] = dc[r * hidden + j] * g[r * gh + j];                    // dcPrev = dc·f
                    }
                }
            }
        }
        INDArray dWx = Nd4j.createUninitialized(type, in, gh);
        INDArray dWh = Nd4j.zeros(type, hidden, gh);
        stacked = Buffers.reuse(stacked, type, (long) count * n, Math.max(in, hidden));
        for (int k = 0; k < count; k++) {
            Elements.write(steps.get(k).x(), stacked, (long) k * n * in);
        }
        Gemm.gemm(true, false, in, gh, count * n, stacked, 0, in, dA, 0, gh, 0.0, dWx, 0, gh);                 // Xᵀ·dA
        int first = steps.get(0).hPrev() == null ? 1 : 0;                      // a first step has no hPrev·Wh term
        if (first < count) {
            for (int k = first; k < count; k++) {
                Elements.write(steps.get(k).hPrev(), stacked, (long) (k - first) * n * hidden);
            }
            Gemm.gemm(true, false, hidden, gh, (count - first) * n, stacked, 0, hidden, dA, (long) first * n * gh, gh, 0.0,
                    dWh, 0, gh);                                                                                   // Hprevᵀ·dA
        }
        Map<String, INDArray> grads = new LinkedHashMap<>(net.keyed(cell, Layer.named("Wx", dWx, "Wh", dWh, "bh",
                array(dbh, gh))));
        grads.putAll(net.keyed(fc, Layer.named("W", array(dW, hidden, out), "b", array(db, out))));
        return grads;
    }

    private INDArray array(double[] v, long... shape) {
        INDArray r = Nd4j.createUninitialized(type, shape);
        Elements.write(v, r, 0);
        return r;
    }

    @Override
    public void truncate() {
        steps.clear();
    }

    @Override
    public void resetState() {
        truncate();
        hArray = null;
        h = c = null;
    }

    @Override
    public INDArray predict(INDArray x) {
        Memo m = cellForward(Shapes.dense(net.input(x)));
        return array(output(m.h(), (int) x.size(0)), x.size(0), out);
    }

    @Override
    public Sequential network() {
        return net;
    }
}
