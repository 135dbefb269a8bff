package io.github.scratchnet.layers;

import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An Elman RNN over one time step (DeZero step 59): {@code h = tanh(x·Wx + bh + hPrev·Wh)}, the
 * hidden state kept from call to call until {@link #resetState()} (no hPrev term on the first
 * step). backward goes back through the steps since the last {@link #truncate()}, latest first,
 * as {@link Recurrent} describes: {@code da = (dout + dh_next)·(1 - h²)}, {@code dWx += xᵀ·da},
 * {@code dWh += hPrevᵀ·da}, {@code dbh += Σ da}; {@code dhPrev = da·Whᵀ}, {@code dx = da·Wxᵀ}.
 * <p>
 * x (N, I), h (N, H); Wx (I, H), Wh (H, H), bh (H,): DeZero's x2h.W, h2h.W and x2h.b.
 */
public final class Rnn extends Recurrent {

    /** Weights drawn by {@code init} with {@code kind}'s deviation for fan-ins I and H; zero bias. */
    public Rnn(Init init, WeightInit kind, long in, long hidden) {
        this(init.weights(kind, in, in, hidden), init.weights(kind, hidden, hidden, hidden), init.zeros(hidden));
    }

    /** A layer holding these very arrays: Wx (I, H), Wh (H, H), bh (H,). */
    public Rnn(INDArray Wx, INDArray Wh, INDArray bh) {
        super("Rnn", 1, Wx, Wh, bh);
    }

    @Override
    public INDArray forward(INDArray x, boolean train) {
        INDArray next = Transforms.tanh(preactivation(x), false);
        if (train) {
            steps.push(new INDArray[] {x.dup(), h, next});
        }
        h = next;
        return next;
    }

    @Override
    public INDArray backward(INDArray dout) {
        INDArray[] s = lastStep();
        INDArray dh = dhNext == null ? dout : dout.add(dhNext);
        INDArray da = dh.mul(s[2].mul(s[2]).rsubi(1));                   // tanh' = 1 - h²
        return accumulate(s[0], s[1], da);
    }

    @Override
    public String describe() {
        return "Rnn(" + Wx.size(0) + " -> " + H + ", tanh)";
    }
}
