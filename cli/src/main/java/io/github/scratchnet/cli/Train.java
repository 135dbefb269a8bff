package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.optimizers.OptimizerKind;
import io.github.scratchnet.trainer.Checkpoint;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.History;
import io.github.scratchnet.trainer.NetworkSpec;
import io.github.scratchnet.trainer.TrainConfig;
import io.github.scratchnet.trainer.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = {"Train a network on MNIST (fetched on first use) and save a checkpoint, params (.npz and the "
                + "book's .pkl), the history and a learning curve in the output folder.",
            "Default recipe: DeepConvNet, Adam lr 0.001, batch 100, 20 epochs."})
final class Train implements Callable<Integer> {
    static final String CHECKPOINT = "checkpoint.ckpt";

    @Mixin
    Common.Options common;

    @Mixin
    Common.Compute compute;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--network", paramLabel = "NAME", description = "deepconvnet, simpleconvnet or multilayernet (default: ${DEFAULT-VALUE}).")
    NetworkSpec.Preset network = NetworkSpec.Preset.DEEPCONVNET;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 20; with --resume, the new total).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: 100).")
    int batchSize = TrainConfig.DEFAULT.batchSize();

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, momentum, nesterov, adagrad, rmsprop or adam (default: adam).")
    OptimizerKind optimizer = TrainConfig.DEFAULT.optimizer();

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: the optimizer's, 0.001 for adam, 0.01 for the others).")
    double lr = Double.NaN;

    @Option(names = "--schedule", paramLabel = "NAME", description = "constant, step (halve every 5 epochs) or cosine (default: constant).")
    TrainConfig.ScheduleKind schedule = TrainConfig.DEFAULT.schedule();

    @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "L2 weight decay on the weights W (default: 0).")
    double weightDecay = TrainConfig.DEFAULT.weightDecay();

    @Option(names = "--dropout", paramLabel = "MODE", description = "inverted or book (default: inverted).")
    Dropout.Mode dropout = Dropout.Mode.INVERTED;

    @Option(names = "--sampling", paramLabel = "MODE", description = "shuffle (each image once per epoch) or book (batches drawn with replacement) (default: shuffle).")
    TrainConfig.Sampling sampling = TrainConfig.DEFAULT.sampling();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of weights, dropout and batch order (default: 42).")
    long seed = 42;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32 or float64 (default: float32).")
    DType dtype = DType.FLOAT32;

    @Option(names = "--train-size", paramLabel = "N", description = "Train on the first N images only (default: all 60,000).")
    int trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test on the first N images only (default: all 10,000).")
    int testSize;

    @Option(names = "--eval-samples", paramLabel = "N", description = "Images of each set scored after every epoch, 0 for all (default: 10000).")
    int evalSamples = TrainConfig.DEFAULT.evalSamples();

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("scratchnet-run");

    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        common.applyThreads();
        Path checkpoint = out.resolve(CHECKPOINT);
        TrainConfig config;
        try {
            config = new TrainConfig(epochs == null ? TrainConfig.DEFAULT.epochs() : epochs, batchSize,
                    optimizer, lr, schedule, weightDecay, sampling, evalSamples, trainSize, testSize);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!resume && Files.exists(checkpoint)) {
            throw new Scratchnet.UserException(out + " already holds a training run (" + CHECKPOINT
                    + "): continue it with --resume, or choose another folder with --out");
        }
        if (resume && !Files.exists(checkpoint)) {
            throw new Scratchnet.UserException("--resume: no checkpoint in " + out + " (expected " + checkpoint + ")");
        }
        Dataset train = Common.mnist(common, true);
        Dataset test = Common.mnist(common, false);
        Trainer trainer = resume ? Checkpoint.resume(checkpoint, train, test, epochs, compute.engine)
                : new Trainer(NetworkSpec.of(network, dtype, dropout, seed), config, train, test, compute.engine());
        Files.createDirectories(out);
        long start = System.nanoTime();
        History history = trainer.run(checkpoint, Progress.forTerminal(System.console() != null));
        double seconds = (System.nanoTime() - start) / 1e9;
        ParamFiles.write(out.resolve("params.npz"), trainer.net().saved().asMap());
        ParamFiles.write(out.resolve("params.pkl"), trainer.net().saved().asMap());
        history.writeCsv(out.resolve("history.csv"), out.resolve("losses.csv"));
        Plots.learningCurve(history, out.resolve("learning-curve.png"));
        List<History.Epoch> e = history.epochs();
        History.Epoch last = e.get(e.size() - 1);
        System.out.printf(Locale.ROOT, "done: %d epochs, test accuracy %.4f, %.0f s this run; wrote %s%n", last.epoch(),
                last.testAccuracy(), seconds, String.join(", ", List.of(CHECKPOINT, "params.npz", "params.pkl",
                        "history.csv", "losses.csv", "learning-curve.png")) + " in " + out);
        return 0;
    }
}
