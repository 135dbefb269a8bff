package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Rng;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.GradientCheck;
import io.github.scratchnet.trainer.MnistFiles;
import io.github.scratchnet.trainer.NetworkSpec;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gradcheck", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = {"The book's gradient check (ch05/gradient_check.py) for a whole network: for each parameter key, "
                + "the mean absolute difference and the relative error between backpropagation and central differences, "
                + "in float64, on a few MNIST test images (random images where MNIST is absent), the biases drawn small and "
                + "random so that no ReLU sits on its kink.",
            "Exits 1 when a key's relative error is above the tolerance."})
final class Gradcheck implements Callable<Integer> {
    @Mixin
    Common.Options common;

    @Mixin
    Common.Compute compute;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--network", paramLabel = "NAME", description = "deepconvnet, simpleconvnet, multilayernet, vgg or resnet (default: ${DEFAULT-VALUE}).")
    NetworkSpec.Preset network = NetworkSpec.Preset.DEEPCONVNET;

    @Option(names = "--images", paramLabel = "N", description = "Images in the batch (default: ${DEFAULT-VALUE}).")
    int images = 3;

    @Option(names = "--samples", paramLabel = "K", description = "Entries compared per key, all where it has fewer (default: ${DEFAULT-VALUE}).")
    int samples = 20;

    @Option(names = "--tolerance", paramLabel = "T", description = "Largest relative error accepted (default: ${DEFAULT-VALUE}).")
    double tolerance = 1e-6;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the weights, the dropout masks and the entries picked (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Override
    public Integer call() throws Exception {
        if (images < 1 || samples < 1 || !(tolerance > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--images and --samples must be positive, --tolerance above 0");
        }
        common.applyThreads();
        Sequential net = NetworkSpec.of(network, DType.FLOAT64, Dropout.Mode.INVERTED, seed).build();
        // zero biases over MNIST's zero background put whole planes of ReLUs on their kink, where the
        // two sides of a central difference disagree with any derivative: small random biases move them off
        Rng rng = new Rng(seed + 1);
        net.params().asMap().forEach((k, p) -> {
            if (k.startsWith("b") && !k.startsWith("beta")) {
                for (long i = 0; i < p.length(); i++) {
                    p.putScalar(i, 0.1 * rng.nextGaussian());
                }
            }
        });
        INDArray x;
        INDArray t;
        if (MnistFiles.missing(common.dataDir()).isEmpty()) {
            Dataset test = Dataset.readSplit(common.dataDir(), false).head(images);
            x = test.images().reshape(Shapes.withBatch(test.size(), net.inputShape()));     // 784 wide for a fully connected net
            t = test.labelArray();
        } else {
            x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, Shapes.withBatch(images, net.inputShape()));
            t = Nd4j.createFromArray(new int[images]);
        }
        List<GradientCheck.Result> results = GradientCheck.run(compute.engine().plan(net), x, t, samples, seed);
        System.out.printf(Locale.ROOT, "%s, float64, %d images, %s engine: backpropagation against central differences (eps %g)%n",
                network.name().toLowerCase(Locale.ROOT), images, compute.engine().name().toLowerCase(Locale.ROOT), GradientCheck.EPS);
        System.out.printf(Locale.ROOT, "%-14s %-18s %8s %14s %14s%n", "key", "shape", "entries", "mean |diff|", "rel. error");
        GradientCheck.Result worst = results.get(0);
        for (GradientCheck.Result r : results) {
            System.out.printf(Locale.ROOT, "%-14s %-18s %8d %14.3e %14.3e%n", r.key(), Shapes.str(r.shape()), r.checked(),
                    r.meanAbsDiff(), r.relativeError());
            worst = r.relativeError() > worst.relativeError() ? r : worst;
        }
        if (worst.relativeError() > tolerance) {
            throw new Scratchnet.UserException(String.format(Locale.ROOT,
                    "the gradient of %s is off: relative error %.3e, above the tolerance %.1e", worst.key(), worst.relativeError(), tolerance));
        }
        System.out.printf(Locale.ROOT, "all %d keys within %.1e (worst: %s, %.3e)%n", results.size(), tolerance, worst.key(),
                worst.relativeError());
        return 0;
    }
}
