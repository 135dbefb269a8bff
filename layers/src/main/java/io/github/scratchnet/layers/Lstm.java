package io.github.scratchnet.layers;

import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A long short-term memory layer over one time step (DeZero step 60). With
 * {@code a = x·Wx + bh + hPrev·Wh} (no hPrev term on the first step) cut into four blocks of H
 * columns: forget {@code f = σ(a_f)}, input {@code i = σ(a_i)}, output {@code o = σ(a_o)}, candidate
 * {@code u = tanh(a_u)}; then {@code c = f·cPrev + i·u} ({@code c = i·u} on the first step) and
 * {@code h = o·tanh(c)}. h and c are kept from call to call until {@link #resetState()}; backward
 * goes back through the steps since the last {@link #truncate()} as {@link Recurrent} describes:
 * {@code dc = dh·o·(1 - tanh²c) + dc_next}, {@code da_f = dc·cPrev·f(1-f)},
 * {@code da_i = dc·u·i(1-i)}, {@code da_o = dh·tanh(c)·o(1-o)}, {@code da_u = dc·i·(1-u²)},
 * {@code dcPrev = dc·f}.
 * <p>
 * x (N, I), h and c (N, H). Wx (I, 4H) and Wh (H, 4H) hold the gates' weights side by side in the
 * order f, i, o, u (DeZero's x2f, x2i, x2o, x2u and h2f, ..., h2u), bh (4H,) their biases.
 */
public final class Lstm extends Recurrent {
    private INDArray c;
    /** The gradient to the cell state, carried from a step to the one before. */
    private INDArray dcNext;

    /** Weights drawn by {@code init} with {@code kind}'s deviation for fan-ins I and H; zero biases. */
    public Lstm(Init init, WeightInit kind, long in, long hidden) {
        this(init.weights(kind, in, in, 4 * hidden), init.weights(kind, hidden, hidden, 4 * hidden), init.zeros(4 * hidden));
    }

    /** A layer holding these very arrays: Wx (I, 4H), Wh (H, 4H), bh (4H,). */
    public Lstm(INDArray Wx, INDArray Wh, INDArray bh) {
        super("Lstm", 4, Wx, Wh, bh);
    }

    /** Columns {@code gate*H .. (gate+n)*H} of an (N, 4H) array: gate 0 f, 1 i, 2 o, 3 u. */
    private INDArray gate(INDArray a, int gate, int n) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(gate * H, (gate + n) * H));
    }

    private INDArray gate(INDArray a, int gate) {
        return gate(a, gate, 1);
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        INDArray a = preactivation(x);
        INDArray g = Nd4j.hstack(Transforms.sigmoid(gate(a, 0, 3), true), Transforms.tanh(gate(a, 3), true));
        INDArray next = gate(g, 1).mul(gate(g, 3));                              // i·u
        if (c != null) {
            next.addi(gate(g, 0).mul(c));                                          // + f·cPrev
        }
        INDArray tc = Transforms.tanh(next, true);
        if (train) {
            steps.push(new INDArray[] {x.dup(), h, c, g, tc});
        }
        h = gate(g, 2).mul(tc);                                                    // o·tanh(c)
        c = next;
        return h;
    }

    @Override
    public INDArray backward(INDArray dout) {
        INDArray[] s = lastStep();
        INDArray cPrev = s[2], g = s[3], tc = s[4];
        INDArray f = gate(g, 0), i = gate(g, 1), o = gate(g, 2), u = gate(g, 3);
        INDArray dh = dhNext == null ? dout : dout.add(dhNext);
        INDArray dc = dh.mul(o).muli(tc.mul(tc).rsubi(1));                       // dh·o·tanh'(c)
        if (dcNext != null) {
            dc.addi(dcNext);
        }
        INDArray da = g.like();
        gate(da, 0).assign(cPrev == null ? f.mul(0) : dc.mul(cPrev).muli(f).muli(f.rsub(1)));   // σ' = σ(1-σ)
        gate(da, 1).assign(dc.mul(u).muli(i).muli(i.rsub(1)));
        gate(da, 2).assign(dh.mul(tc).muli(o).muli(o.rsub(1)));
        gate(da, 3).assign(dc.mul(i).muli(u.mul(u).rsubi(1)));                   // tanh' = 1 - u²
        dcNext = cPrev == null ? null : dc.mul(f);
        return accumulate(s[0], s[1], da);
    }

    @Override
    public void truncate() {
        super.truncate();
        dcNext = null;
    }

    @Override
    public void resetState() {
        super.resetState();
        c = null;
    }

    /** The cell state c after the last step (N, H), or null before the first. */
    public INDArray cell() {
        return c;
    }

    @Override
    public String describe() {
        return "Lstm(" + Wx.size(0) + " -> " + H + ")";
    }
}
