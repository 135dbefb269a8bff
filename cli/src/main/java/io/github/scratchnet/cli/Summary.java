package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.trainer.NetworkSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "summary", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = "The layers of a network with their output shapes and parameter counts.")
final class Summary implements Callable<Integer> {
    @Mixin
    Common.Options common;

    @Option(names = "--network", paramLabel = "NAME", description = "deepconvnet, simpleconvnet, multilayernet, vgg or resnet (default: ${DEFAULT-VALUE}).")
    NetworkSpec.Preset network = NetworkSpec.Preset.DEEPCONVNET;

    @Option(names = "--params", paramLabel = "FILE", description = "Describe the network of this checkpoint (or check params against the network).")
    Path params;

    @Override
    public Integer call() throws Exception {
        Sequential net = params != null ? Common.loadNetwork(params, network, null, null)
                : NetworkSpec.of(network, DType.FLOAT32, Dropout.Mode.INVERTED, 0).build();
        long[] shape = net.inputShape();
        System.out.printf("%-4s %-38s %-18s %10s  %s%n", "#", "layer", "output shape", "params", "keys");
        System.out.printf("%-4s %-38s %-18s %10s%n", "", "input", batchShape(shape), "");
        long[] withBatch = Shapes.withBatch(1, shape);
        long total = 0;
        for (int i = 0; i < net.layers().size(); i++) {
            Layer l = net.layers().get(i);
            withBatch = l.outputShape(withBatch);
            total += row(net, l, Integer.toString(i), batchShape(Arrays.copyOfRange(withBatch, 1, withBatch.length)));
            for (Layer part : l.parts()) {
                row(net, part, "", "");
            }
        }
        System.out.printf("total trainable parameters: %,d%n", total);
        if (net.state().size() > 0) {
            System.out.printf("non-trainable state: %,d%n", net.state().count());
        }
        return 0;
    }

    /** One row: the layer (a part of the one above where {@code index} is empty), its output, parameter count and keys. */
    private static long row(Sequential net, Layer layer, String index, String out) {
        Map<String, INDArray> own = net.paramsOf(layer);
        long count = 0;
        for (INDArray a : own.values()) {
            count += a.length();
        }
        String name = index.isEmpty() ? "  " + layer.describe() : layer.describe();
        String keys = layer.parts().isEmpty() ? String.join(", ", own.keySet()) : "";    // its parts' rows list them
        System.out.printf("%-4s %-38s %-18s %10s  %s%n", index, name, out, count == 0 ? "" : String.format("%,d", count), keys);
        return count;
    }

    /** (N, 16, 28, 28) for a sample shape (16, 28, 28). */
    private static String batchShape(long[] sample) {
        StringBuilder s = new StringBuilder("(N");
        for (long d : sample) {
            s.append(", ").append(d);
        }
        return s.append(')').toString();
    }
}
