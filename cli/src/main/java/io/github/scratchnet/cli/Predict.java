package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.layers.Model;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.trainer.Ensemble;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = "Classify images of digits (PNG or JPEG, any size, dark on light or light on dark); with several "
                + "--params, by the mean of the networks' softmax outputs.")
final class Predict implements Callable<Integer> {
    @Mixin
    Common.Options common;

    @Mixin
    Common.Model model;

    @Mixin
    Common.Compute compute;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32, float64, float16 or bfloat16 (default: ${DEFAULT-VALUE}).")
    DType dtype = DType.FLOAT32;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        List<Model> plans = new ArrayList<>();
        for (Sequential net : model.load(dtype)) {
            plans.add(compute.engine().plan(net));
        }
        Ensemble ensemble = new Ensemble(plans);
        for (Path image : images) {
            INDArray p = Ensemble.mean(ensemble.memberProbabilities(Digits.load(image), 1));
            double[] probs = p.toDoubleVector();
            int best = 0;
            for (int c = 1; c < probs.length; c++) {
                best = probs[c] > probs[best] ? c : best;
            }
            StringBuilder all = new StringBuilder();
            for (int c = 0; c < probs.length; c++) {
                all.append(String.format(Locale.ROOT, "%s%d:%.3f", c == 0 ? "" : " ", c, probs[c]));
            }
            System.out.printf(Locale.ROOT, "%s: %d (p=%.3f)  [%s]%n", image, best, probs[best], all);
        }
        return 0;
    }
}
