package io.github.scratchnet.layers;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A recurrent network over a series, DeZero's SimpleRNN and BetterRNN (steps 59-60): at each time
 * step a {@link Recurrent} layer, an {@link Affine} on its hidden state, and the
 * {@link MeanSquaredError} against the step's target. {@link #step} runs one step in training
 * mode and returns its loss; {@link #backward} goes back through every step since the last
 * {@link #truncate()}, the gradient being that of the sum of those steps' losses (DeZero's
 * {@code loss.backward()} on the summed loss). The Affine's backward runs once over the steps'
 * hidden states stacked, which gives the sum of its per-step gradients.
 * <p>
 * The layers are kept in a {@link Sequential}, which names their parameters (Wx1, Wh1, bh1 for the
 * recurrent layer, W1, b1 for the Affine) and saves and loads them.
 */
public final class SeriesNet implements SeriesModel {
    /** The recurrent layer of a network. */
    public enum Cell {
        RNN, LSTM
    }

    private final Sequential net;
    private final Recurrent cell;
    private final Affine fc;
    private final MeanSquaredError loss = new MeanSquaredError();
    // the steps since the last truncation: hidden states and the gradients of the losses to the outputs
    private final List<INDArray> hidden = new ArrayList<>();
    private final List<INDArray> dy = new ArrayList<>();

    /**
     * DeZero's network: {@code cell} of {@code hiddenSize} over inputs of {@code in} values, then
     * an Affine to {@code out} values; weights normal with deviation sqrt(1/fan-in) as DeZero's
     * Linear draws them, biases zero.
     */
    public static Sequential create(Cell cell, DType dtype, long seed, long in, long hiddenSize, long out) {
        Init init = new Init(dtype, seed);
        Sequential net = new Sequential(init, in);
        net.add(cell == Cell.RNN ? new Rnn(init, WeightInit.XAVIER, in, hiddenSize)
                : new Lstm(init, WeightInit.XAVIER, in, hiddenSize));
        return net.add(new Affine(init, WeightInit.XAVIER, hiddenSize, out));
    }

    /** The series computation of a network of a Recurrent layer then an Affine. */
    public SeriesNet(Sequential net) {
        List<Layer> layers = net.layers();
        if (layers.size() != 2 || !(layers.get(0) instanceof Recurrent) || !(layers.get(1) instanceof Affine)) {
            throw new IllegalArgumentException("a series network is a recurrent layer then an Affine, found "
                    + layers.stream().map(Layer::describe).toList());
        }
        this.net = net;
        this.cell = (Recurrent) layers.get(0);
        this.fc = (Affine) layers.get(1);
    }

    @Override
    public double step(INDArray x, INDArray t) {
        INDArray h = cell.forward(net.input(x), true);
        double l = loss.forward(fc.forward(h, true), t);
        hidden.add(h);
        dy.add(loss.backward());
        return l;
    }

    @Override
    public Map<String, INDArray> backward() {
        int steps = hidden.size();
        if (steps == 0) {
            throw new IllegalStateException("SeriesNet.backward called without a step since the last truncation");
        }
        fc.forward(Nd4j.vstack(hidden.toArray(INDArray[]::new)), true);
        INDArray dh = fc.backward(Nd4j.vstack(dy.toArray(INDArray[]::new)));
        long n = hidden.get(0).size(0);
        for (int k = steps - 1; k >= 0; k--) {
            cell.backward(dh.get(NDArrayIndex.interval(k * n, (k + 1) * n), NDArrayIndex.all()));
        }
        Map<String, INDArray> grads = new LinkedHashMap<>(net.gradsOf(cell));
        grads.putAll(net.gradsOf(fc));
        return grads;
    }

    @Override
    public void truncate() {
        cell.truncate();
        hidden.clear();
        dy.clear();
    }

    @Override
    public void resetState() {
        truncate();
        cell.resetState();
    }

    @Override
    public INDArray predict(INDArray x) {
        return fc.forward(cell.forward(net.input(x), false), false).dup();
    }

    @Override
    public Sequential network() {
        return net;
    }

    public Recurrent cell() {
        return cell;
    }
}
