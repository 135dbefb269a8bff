package io.github.scratchnet.layers;

import io.github.scratchnet.core.Shapes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link Rnn} and {@link Lstm} share: a layer over one time step whose weights Wx (I, G·H),
 * Wh (H, G·H) and bias bh (G·H,) make {@code a = x·Wx + bh + hPrev·Wh} (G blocks of H columns,
 * one per gate), and which keeps its state from call to call. In training, each forward is
 * remembered until {@link #truncate()}; backward is then called once per remembered step, latest
 * first, each call carrying the gradient to the previous state into the step before and adding
 * that step's parameter gradients to the ones accumulated since the last truncation:
 * backpropagation through time. A test-mode forward remembers nothing.
 */
public abstract class Recurrent implements Layer {
    protected final INDArray Wx;
    protected final INDArray Wh;
    protected final INDArray bh;
    /** The hidden size H. */
    protected final long H;

    protected INDArray h;
    /** Set by forward, read by backward: what each remembered step needs, latest first. */
    protected final Deque<INDArray[]> steps = new ArrayDeque<>();
    // written by backward, accumulated over the steps since the last truncation
    private INDArray dWx, dWh, dbh;
    /** The gradient to the hidden state, carried from a step to the one before. */
    protected INDArray dhNext;

    Recurrent(String name, int gates, INDArray Wx, INDArray Wh, INDArray bh) {
        long gh = Wx.rank() == 2 ? Wx.size(1) : -1;
        if (Wx.rank() != 2 || gh % gates != 0 || Wh.rank() != 2 || Wh.size(0) * gates != gh || Wh.size(1) != gh) {
            String g = gates == 1 ? "H" : gates + "H";
            throw new IllegalArgumentException(name + " expects Wx (I, " + g + ") and Wh (H, " + g + "), found Wx "
                    + Shapes.str(Wx.shape()) + " and Wh " + Shapes.str(Wh.shape()));
        }
        Shapes.requireVectors(name + "'s bh", gh, bh);
        this.Wx = Wx;
        this.Wh = Wh;
        this.bh = bh;
        this.H = Wh.size(0);
    }

    /** {@code x·Wx + bh + h·Wh} for the next step (without the last term on a first step); x checked. */
    protected INDArray preactivation(INDArray x) {
        outputShape(x.shape());
        if (h != null && h.size(0) != x.size(0)) {
            throw new IllegalArgumentException(describe() + ": the state holds " + h.size(0) + " samples and the step "
                    + x.size(0) + ": call resetState() between series of other batch sizes");
        }
        INDArray a = x.mmul(Wx).addiRowVector(bh);
        return h == null ? a : a.addi(h.mmul(Wh));
    }

    /**
     * Adds one step's parameter gradients for {@code da = dL/da}, sets the gradient to hPrev for the
     * step before, and returns dL/dx.
     */
    protected INDArray accumulate(INDArray x, INDArray hPrev, INDArray da) {
        if (dWx == null) {
            dWx = Wx.like().assign(0);
            dWh = Wh.like().assign(0);
            dbh = bh.like().assign(0);
        }
        dWx.addi(x.transpose().mmul(da));
        dbh.addi(da.sum(0));
        if (hPrev != null) {
            dWh.addi(hPrev.transpose().mmul(da));
        }
        dhNext = hPrev == null ? null : da.mmul(Wh.transpose());
        return da.mmul(Wx.transpose());
    }

    /** The remembered step backward goes through next, latest first. */
    protected INDArray[] lastStep() {
        return Layer.requireForward(steps.poll(), this);
    }

    /**
     * Forgets the remembered steps and the accumulated gradients (DeZero's unchain_backward); the
     * state keeps its value, so the next step continues from it.
     */
    public void truncate() {
        steps.clear();
        dhNext = null;
        dWx = dWh = dbh = null;
    }

    /** Forgets the state as well: the next step is a first step. */
    public void resetState() {
        truncate();
        h = null;
    }

    /** The hidden state h after the last step (N, H), or null before the first. */
    public INDArray hidden() {
        return h;
    }

    @Override
    public long[] outputShape(long[] in) {
        Shapes.requireFeatures(getClass().getSimpleName(), in, Wx.size(0));
        return new long[] {in[0], H};
    }

    @Override
    public Map<String, INDArray> params() {
        return Layer.named("Wx", Wx, "Wh", Wh, "bh", bh);
    }

    @Override
    public Map<String, INDArray> grads() {
        Layer.requireForward(dWx, this);
        return Layer.named("Wx", dWx, "Wh", dWh, "bh", dbh);
    }
}
