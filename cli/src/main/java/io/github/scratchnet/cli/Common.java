package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.engine.CpuRuntime;
import io.github.scratchnet.engine.Engine;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.trainer.Checkpoint;
import io.github.scratchnet.trainer.DataDir;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.MnistFiles;
import io.github.scratchnet.trainer.NetworkSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options and steps the commands share. */
final class Common {
    private Common() {
    }

    /** --verbose, --threads, --data. */
    static final class Options {
        @Option(names = "--verbose", description = "Show stack traces of errors.")
        boolean verbose;

        @Option(names = "--threads", paramLabel = "N", description = "Threads to compute with (default: all cores).")
        Integer threads;

        @Option(names = "--data", paramLabel = "DIR",
                description = "Folder with the MNIST IDX files (default: $SCRATCHNET_DATA, else ~/.cache/scratchnet/mnist).")
        Path data;

        void applyThreads() {
            if (threads != null) {
                if (threads < 1) {
                    throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
                }
                CpuRuntime.setThreads(threads);
            }
        }

        Path dataDir() {
            return DataDir.resolve(data);
        }
    }

    /** --engine: which code computes the network. */
    static final class Compute {
        @Option(names = "--engine", paramLabel = "NAME",
                description = "fast (the CPU kernels; the default on the CPU) or book (the layers as written, any backend).")
        Engine engine;

        /** The engine asked for, else the standard one for this backend. */
        Engine engine() {
            return engine != null ? engine : Engine.standard();
        }
    }

    /** --params, --network, --dropout: which trained network (or networks, an ensemble) to load. */
    static final class Model {
        @Option(names = "--params", required = true, paramLabel = "FILE",
                description = "A .npz, .pkl or checkpoint (.ckpt) file; give several for an ensemble (their softmax outputs averaged).")
        List<Path> params;

        @Option(names = "--network", paramLabel = "NAME",
                description = "The network .npz/.pkl params belong to: once for all of them, or once per .npz/.pkl file in order "
                        + "(default: deepconvnet).")
        List<NetworkSpec.Preset> networks = new ArrayList<>();

        @Option(names = "--dropout", paramLabel = "MODE",
                description = "inverted or book; the book's params need book (default: inverted, or the checkpoint's).")
        Dropout.Mode dropout;

        /** The networks of every --params file, in order. */
        List<Sequential> load(DType dtype) throws IOException {
            int plain = (int) params.stream().filter(p -> !isCheckpoint(p)).count();
            if (networks.size() > 1 && networks.size() != plain) {
                throw new IllegalArgumentException("--network given " + networks.size() + " times for " + plain
                        + " .npz/.pkl files: give it once for all of them, or once per file");
            }
            List<Sequential> nets = new ArrayList<>();
            int i = 0;
            for (Path p : params) {
                NetworkSpec.Preset preset = networks.isEmpty() ? NetworkSpec.Preset.DEEPCONVNET
                        : networks.get(networks.size() == 1 || isCheckpoint(p) ? 0 : i);
                Sequential net = loadNetwork(p, preset, dtype, dropout);
                long bad = net.saved().nonFinite();
                if (bad > 0) {
                    throw new Scratchnet.UserException(p + ": " + bad + " of the " + net.saved().count()
                            + " values are NaN or infinite, so its predictions would mean nothing (a run that diverged?)");
                }
                nets.add(net);
                i += isCheckpoint(p) ? 0 : 1;
            }
            return nets;
        }
    }

    /** A usage error unless {@code dtype} is one training computes in. */
    static void requireTrainable(DType dtype, picocli.CommandLine.Model.CommandSpec spec) {
        if (!dtype.trainable()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--dtype " + dtype.name().toLowerCase(Locale.ROOT)
                    + ": training computes in float32 or float64; the 16-bit types are for evaluate and predict");
        }
    }

    /** The MNIST split, fetched first if missing. */
    static Dataset mnist(Options o, boolean train) throws IOException {
        Path dir = o.dataDir();
        MnistFiles.ensure(dir, msg -> System.err.println("scratchnet: " + msg));
        return Dataset.readSplit(dir, train);
    }

    /** A user error for a series network where an image classifier is needed. */
    private static void requireClassifier(Path file, NetworkSpec.Preset preset) {
        if (preset.series()) {
            throw new Scratchnet.UserException(file + ": " + preset.name().toLowerCase(Locale.ROOT) + " is a network over "
                    + "series, and this command takes an image classifier (train --task sin-curve plots a series network's "
                    + "predictions)");
        }
    }

    static boolean isCheckpoint(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".ckpt") || n.endsWith(".zip");
    }

    /**
     * A network with the params of {@code file} loaded: a checkpoint rebuilds its own network
     * (its dtype and dropout unless given); .npz/.pkl go into the named preset.
     */
    static Sequential loadNetwork(Path file, NetworkSpec.Preset preset, DType dtype, Dropout.Mode dropout)
            throws IOException {
        if (isCheckpoint(file)) {
            Checkpoint.Contents c = Checkpoint.read(file);
            NetworkSpec s = c.spec();
            NetworkSpec spec = new NetworkSpec(s.preset(), dtype != null ? dtype : s.dtype(),
                    dropout != null ? dropout : s.dropout(), s.seed(), s.hidden(), s.batchNorm(), s.dropoutRatio());
            requireClassifier(file, spec.preset());
            Sequential net = spec.build();
            net.load(c.params(), file.toString());
            return net;
        }
        requireClassifier(file, preset);
        NetworkSpec spec = NetworkSpec.of(preset, dtype != null ? dtype : DType.FLOAT32,
                dropout != null ? dropout : Dropout.Mode.INVERTED, 0);
        Sequential net = spec.build();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        net.saved().asMap().forEach((k, a) -> shapes.put(k, a.shape()));
        net.load(ParamFiles.read(file, shapes), file.toString());
        return net;
    }
}
