package io.github.scratchnet.trainer;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.layers.DeepConvNet;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.MultiLayerNet;
import io.github.scratchnet.layers.ResNet;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.layers.SeriesNet;
import io.github.scratchnet.layers.SimpleConvNet;
import io.github.scratchnet.layers.Vgg;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Which network to build, saved in checkpoints so that a file can rebuild its own network:
 * a preset, the data type, the dropout mode and the seed (and, for MultiLayerNet, its layers).
 */
public record NetworkSpec(Preset preset, DType dtype, Dropout.Mode dropout, long seed, List<Long> hidden,
                          boolean batchNorm, double dropoutRatio) {

    public enum Preset {
        DEEPCONVNET, SIMPLECONVNET, MULTILAYERNET, VGG, RESNET,
        /** DeZero's SimpleRNN (step 59): an Rnn of hidden[0] units, then an Affine to one value. */
        RNN,
        /** DeZero's BetterRNN (step 60): an Lstm of hidden[0] units, then an Affine to one value. */
        LSTM;

        /** Whether the preset is a network over series (one value in, one out per step) rather than an image classifier. */
        public boolean series() {
            return this == RNN || this == LSTM;
        }
    }

    /** The book's MultiLayerNet layout when none is given: three hidden layers of 100. */
    public static final List<Long> DEFAULT_HIDDEN = List.of(100L, 100L, 100L);

    public static NetworkSpec of(Preset preset, DType dtype, Dropout.Mode dropout, long seed) {
        return new NetworkSpec(preset, dtype, dropout, seed, DEFAULT_HIDDEN, false, 0);
    }

    /** A series network (RNN or LSTM) of {@code hiddenSize} units. */
    public static NetworkSpec series(Preset preset, DType dtype, long seed, long hiddenSize) {
        if (!preset.series()) {
            throw new IllegalArgumentException(preset + " is not a series network");
        }
        return new NetworkSpec(preset, dtype, Dropout.Mode.INVERTED, seed, List.of(hiddenSize), false, 0);
    }

    public Sequential build() {
        return switch (preset) {
            case DEEPCONVNET -> DeepConvNet.create(dtype, seed, dropout);
            case SIMPLECONVNET -> SimpleConvNet.create(dtype, seed);
            case VGG -> Vgg.create(dtype, seed, dropout);
            case RESNET -> ResNet.create(dtype, seed);
            case RNN, LSTM -> SeriesNet.create(preset == Preset.RNN ? SeriesNet.Cell.RNN : SeriesNet.Cell.LSTM, dtype, seed,
                    1, hidden.get(0), 1);
            case MULTILAYERNET -> MultiLayerNet.create(dtype, seed, new MultiLayerNet.Config(784, hidden, 10,
                    MultiLayerNet.Activation.RELU, io.github.scratchnet.core.WeightInit.HE, batchNorm, dropoutRatio, dropout));
        };
    }

    public void store(Properties p) {
        p.setProperty("network", preset.name().toLowerCase(Locale.ROOT));
        p.setProperty("dtype", dtype.name().toLowerCase(Locale.ROOT));
        p.setProperty("dropout", dropout.name().toLowerCase(Locale.ROOT));
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("hidden", hidden.toString().replaceAll("[\\[\\] ]", ""));
        p.setProperty("batchnorm", Boolean.toString(batchNorm));
        p.setProperty("dropout_ratio", Double.toString(dropoutRatio));
    }

    /** Reads what {@link #store} wrote; IllegalArgumentException naming the key that is missing or wrong. */
    public static NetworkSpec load(Properties p) {
        List<Long> hidden = new ArrayList<>();
        for (String s : get(p, "hidden").split(",")) {
            if (!s.isBlank()) {
                hidden.add(Long.parseLong(s.trim()));
            }
        }
        return new NetworkSpec(Preset.valueOf(get(p, "network").toUpperCase(Locale.ROOT)),
                DType.valueOf(get(p, "dtype").toUpperCase(Locale.ROOT)),
                Dropout.Mode.valueOf(get(p, "dropout").toUpperCase(Locale.ROOT)),
                Long.parseLong(get(p, "seed")), hidden, Boolean.parseBoolean(get(p, "batchnorm")),
                Double.parseDouble(get(p, "dropout_ratio")));
    }

    static String get(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return v;
    }
}
