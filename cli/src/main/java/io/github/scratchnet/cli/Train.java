package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.optimizers.OptimizerKind;
import io.github.scratchnet.trainer.Augmentation;
import io.github.scratchnet.trainer.Checkpoint;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.History;
import io.github.scratchnet.trainer.NetworkSpec;
import io.github.scratchnet.trainer.Recipe;
import io.github.scratchnet.trainer.SeriesTrainer;
import io.github.scratchnet.trainer.TrainConfig;
import io.github.scratchnet.trainer.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = {"Train a network on MNIST (fetched on first use) and save a checkpoint, params (.npz and the "
                + "book's .pkl), the history and a learning curve in the output folder.",
            "A recipe gives every setting; the options change what they name. book (the default): DeepConvNet, Adam lr "
                + "0.001, batch 100, 20 epochs. best: vgg, 40 epochs, warm-up and cosine, shift/rotate/scale "
                + "augmentation, 5,000 images held out for validation (best.ckpt keeps the best epoch)."})
final class Train implements Callable<Integer> {
    static final String CHECKPOINT = "checkpoint.ckpt";
    static final String BEST = "best.ckpt";

    @Mixin
    Common.Options common;

    @Mixin
    Common.Compute compute;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--recipe", paramLabel = "NAME", description = "book or best (default: ${DEFAULT-VALUE}).")
    Recipe recipe = Recipe.BOOK;

    @Option(names = "--task", paramLabel = "NAME", converter = TaskConverter.class, description = "mnist (digits; any IDX folder with --data) or sin-curve "
            + "(DeZero's steps 59-60: predict the next value of a noisy sine; --network rnn or lstm) (default: mnist, "
            + "sin-curve for rnn and lstm).")
    Task task;

    @Option(names = "--network", paramLabel = "NAME",
            description = "deepconvnet, simpleconvnet, multilayernet, vgg or resnet; rnn or lstm for sin-curve (default: lstm).")
    NetworkSpec.Preset network;

    @Option(names = "--bptt", paramLabel = "L", description = "sin-curve: steps backpropagated through before each update (default: 30).")
    Integer bptt;

    @Option(names = "--hidden-size", paramLabel = "H", description = "sin-curve: the recurrent layer's units (default: 100).")
    Long hiddenSize;

    /** What a run learns. */
    enum Task {
        MNIST, SIN_CURVE
    }

    static final class TaskConverter implements CommandLine.ITypeConverter<Task> {
        @Override
        public Task convert(String value) {
            for (Task t : Task.values()) {
                if (t.name().replace('_', '-').equalsIgnoreCase(value)) {
                    return t;
                }
            }
            throw new CommandLine.TypeConversionException("expected mnist or sin-curve, found '" + value + "'");
        }
    }

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (book: 20; with --resume, the new total).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (book: 100).")
    Integer batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw (book: adam).")
    OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: the optimizer's, 0.001 for adam and adamw, 0.01 for the others).")
    Double lr;

    @Option(names = "--schedule", paramLabel = "NAME", description = "constant, step (halve every 5 epochs), cosine or onecycle (book: constant).")
    TrainConfig.ScheduleKind schedule;

    @Option(names = "--warmup-epochs", paramLabel = "N", description = "Epochs of linear warm-up before the schedule (book: 0).")
    Integer warmupEpochs;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "Weight decay on the weights W: L2, or decoupled with adamw (book: 0).")
    Double weightDecay;

    @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Label smoothing of the loss (book: 0).")
    Double labelSmoothing;

    @Option(names = "--augment", paramLabel = "SPEC", converter = AugmentationConverter.class,
            description = "Distort each training image anew every epoch, e.g. shift=2,rotate=12,scale=0.1,elastic=34:4, or off (book: off).")
    Augmentation augment;

    @Option(names = "--validation", paramLabel = "N", description = "Hold out N training images to choose the best epoch by (book: 0, none).")
    Integer validation;

    @Option(names = "--dropout", paramLabel = "MODE", description = "inverted or book (default: inverted).")
    Dropout.Mode dropout = Dropout.Mode.INVERTED;

    @Option(names = "--sampling", paramLabel = "MODE", description = "shuffle (each image once per epoch) or book (batches drawn with replacement) (book: shuffle).")
    TrainConfig.Sampling sampling;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of weights, dropout, batch order and augmentation (default: 42).")
    long seed = 42;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32 or float64 (default: float32).")
    DType dtype = DType.FLOAT32;

    @Option(names = "--train-size", paramLabel = "N", description = "Train on the first N images only (default: all 60,000).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test on the first N images only (default: all 10,000).")
    Integer testSize;

    @Option(names = "--eval-samples", paramLabel = "N", description = "Images of each set scored after every epoch, 0 for all (book: 10000).")
    Integer evalSamples;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: a new numbered folder runs/NETWORK-N; --resume needs it given).")
    Path out;

    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out.")
    boolean resume;

    static final class AugmentationConverter implements CommandLine.ITypeConverter<Augmentation> {
        @Override
        public Augmentation convert(String value) {
            return Augmentation.parse(value);
        }
    }

    /** The recipe's settings with each option given on the command line in their place. */
    TrainConfig config() {
        TrainConfig r = recipe.config;
        return new TrainConfig(or(epochs, r.epochs()), or(batchSize, r.batchSize()), or(optimizer, r.optimizer()),
                or(lr, r.lr()), or(schedule, r.schedule()), or(warmupEpochs, r.warmupEpochs()), or(weightDecay, r.weightDecay()),
                or(labelSmoothing, r.labelSmoothing()), or(sampling, r.sampling()), or(augment, r.augmentation()),
                or(validation, r.validation()), or(evalSamples, r.evalSamples()), or(trainSize, r.trainSize()),
                or(testSize, r.testSize()));
    }

    private static <T> T or(T given, T recipe) {
        return given != null ? given : recipe;
    }

    /** The weights of the first Convolution (inside blocks too), or null. */
    static INDArray firstFilters(List<Layer> layers) {
        for (Layer l : layers) {
            if (l instanceof Convolution) {
                return l.params().get("W");
            }
            INDArray inside = firstFilters(l.parts());
            if (inside != null) {
                return inside;
            }
        }
        return null;
    }

    /** runs/NETWORK-N, N one more than the largest there. */
    static Path newRunFolder(Path runs, NetworkSpec.Preset network) throws java.io.IOException {
        String prefix = network.name().toLowerCase(Locale.ROOT) + "-";
        int last = 0;
        if (Files.isDirectory(runs)) {
            try (var entries = Files.list(runs)) {
                for (Path p : (Iterable<Path>) entries::iterator) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(prefix) && name.substring(prefix.length()).matches("[0-9]{1,9}")) {
                        last = Math.max(last, Integer.parseInt(name.substring(prefix.length())));
                    }
                }
            }
        }
        return runs.resolve(prefix + (last + 1));
    }

    /** A usage error naming the option. */
    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The task asked for, else the one of the network. */
    private Task task() {
        Task t = task != null ? task : network != null && network.series() ? Task.SIN_CURVE : Task.MNIST;
        if (network != null && network.series() != (t == Task.SIN_CURVE)) {
            throw usage("--network " + network.name().toLowerCase(Locale.ROOT) + (t == Task.SIN_CURVE
                    ? ": --task sin-curve trains rnn or lstm" : " is a series network: it trains on --task sin-curve"));
        }
        List<String> given = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            given.add(o.longestName());
        }
        List<String> imagesOnly = List.of("--recipe", "--augment", "--validation", "--label-smoothing", "--sampling", "--dropout",
                "--train-size", "--test-size", "--eval-samples", "--data");
        List<String> seriesOnly = List.of("--bptt", "--hidden-size");
        for (String o : t == Task.SIN_CURVE ? imagesOnly : seriesOnly) {
            if (given.contains(o)) {
                throw usage(o + " does not apply to --task " + t.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        return t;
    }

    @Override
    public Integer call() throws Exception {
        common.applyThreads();
        Common.requireTrainable(dtype, spec);
        Task t = task();
        NetworkSpec.Preset preset = network != null ? network : t == Task.SIN_CURVE ? NetworkSpec.Preset.LSTM : recipe.network;
        if (out == null) {
            if (resume) {
                throw usage("--resume needs --out: the folder of the run to continue");
            }
            out = newRunFolder(Path.of("runs"), preset);
            System.out.println("writing into " + out);
        }
        Path checkpoint = out.resolve(CHECKPOINT);
        TrainConfig config;
        try {
            config = t == Task.SIN_CURVE ? SeriesRun.config(preset, epochs, batchSize, this) : config();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (!resume && Files.exists(checkpoint)) {
            throw new Scratchnet.UserException(out + " already holds a training run (" + CHECKPOINT
                    + "): continue it with --resume, or choose another folder with --out");
        }
        if (resume && !Files.exists(checkpoint)) {
            throw new Scratchnet.UserException("--resume: no checkpoint in " + out + " (expected " + checkpoint + ")");
        }
        if (t == Task.SIN_CURVE) {
            SeriesTrainer trainer;
            try {
                trainer = resume ? SeriesTrainer.resume(checkpoint, epochs, compute.engine) : new SeriesTrainer(NetworkSpec.series(
                        preset, dtype, seed, hiddenSize != null ? hiddenSize : SeriesTrainer.DEFAULT_HIDDEN),
                        SeriesRun.config(preset, epochs, batchSize, this), bptt != null ? bptt : SeriesTrainer.DEFAULT_BPTT,
                        compute.engine());
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            SeriesRun.train(trainer, out, checkpoint);
            return 0;
        }
        Dataset train = Common.mnist(common, true);
        Dataset test = Common.mnist(common, false);
        Trainer trainer = resume ? Checkpoint.resume(checkpoint, train, test, epochs, compute.engine)
                : new Trainer(NetworkSpec.of(preset, dtype, dropout, seed), config, train, test,
                        compute.engine());
        Files.createDirectories(out);
        INDArray filters = firstFilters(trainer.net().layers());
        if (filters != null && !resume) {
            Pictures.filters(filters, "the first convolution's filters before training", out.resolve("filters-before.png"));
        }
        long start = System.nanoTime();
        boolean validating = trainer.validationSet() != null;
        History history = trainer.run(checkpoint, validating ? out.resolve(BEST) : null,
                Progress.forTerminal(System.console() != null));
        double seconds = (System.nanoTime() - start) / 1e9;
        ParamFiles.write(out.resolve("params.npz"), trainer.net().saved().asMap());
        ParamFiles.write(out.resolve("params.pkl"), trainer.net().saved().asMap());
        history.writeCsv(out.resolve("history.csv"), out.resolve("losses.csv"));
        Plots.learningCurve(history, out.resolve("learning-curve.png"));
        if (filters != null) {
            Pictures.filters(filters, "the first convolution's filters after " + history.epochs().size() + " epochs",
                    out.resolve("filters-after.png"));
        }
        List<History.Epoch> e = history.epochs();
        History.Epoch last = e.get(e.size() - 1);
        List<String> files = new ArrayList<>(List.of(CHECKPOINT, "params.npz", "params.pkl", "history.csv", "losses.csv",
                "learning-curve.png"));
        if (filters != null) {
            files.add(resume ? "filters-after.png" : "filters-before.png, filters-after.png");
        }
        System.out.printf(Locale.ROOT, "done: %d epochs, test accuracy %.4f, %.0f s this run%n", last.epoch(),
                last.testAccuracy(), seconds);
        History.Epoch best = history.best();
        if (best != null) {
            files.add(1, BEST);
            System.out.printf(Locale.ROOT, "best epoch by validation: %d (validation accuracy %.4f; its test accuracy %.4f), in %s%n",
                    best.epoch(), best.validationAccuracy(), best.testAccuracy(), BEST);
        }
        System.out.println("wrote " + String.join(", ", files) + " in " + out);
        return 0;
    }
}
