package io.github.scratchnet.trainer;

import io.github.scratchnet.layers.Model;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Several trained networks deciding together, as book chapter 8's ensemble learning does: the
 * mean of their softmax outputs, whose largest entry is the ensemble's class. The members may be
 * any networks with the same inputs and classes.
 */
public final class Ensemble {
    private final List<Model> members;

    public Ensemble(List<? extends Model> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one network");
        }
        this.members = List.copyOf(members);
    }

    /** Each member's probabilities for x, (N, K) float64 each, computed {@code batchSize} images at a time. */
    public List<INDArray> memberProbabilities(INDArray x, int batchSize) {
        List<INDArray> p = new ArrayList<>();
        for (Model m : members) {
            p.add(m.probabilities(x, batchSize));
        }
        return p;
    }

    /** The mean of the members' probabilities. */
    public static INDArray mean(List<INDArray> probabilities) {
        INDArray sum = probabilities.get(0).dup();
        for (int i = 1; i < probabilities.size(); i++) {
            sum.addi(probabilities.get(i));
        }
        return sum.divi(probabilities.size());
    }

    /** The class of each row: its largest entry (as {@link Model#classesOf}). */
    public static int[] classes(INDArray probabilities) {
        return Model.classesOf(probabilities);
    }

    public List<Model> members() {
        return members;
    }
}
