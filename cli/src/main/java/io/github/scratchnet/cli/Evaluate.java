package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.io.AtomicFiles;
import io.github.scratchnet.engine.Plan;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.Ensemble;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = "Score params (.npz, the book's .pkl, or a checkpoint) on the MNIST test set: accuracy, "
                + "per-class accuracy and the confusion matrix; with several --params, each network's accuracy and the "
                + "ensemble's (their softmax outputs averaged).")
final class Evaluate implements Callable<Integer> {
    @Mixin
    Common.Options common;

    @Mixin
    Common.Model model;

    @Mixin
    Common.Compute compute;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32, float64, or float16 or bfloat16: params and every "
            + "activation in 16 bits, the layers as written (default: float32, or the checkpoint's).")
    DType dtype;

    @Option(names = "--test-size", paramLabel = "N", description = "Score only the first N test images (default: all).")
    int testSize;

    @Option(names = "--predictions", paramLabel = "FILE", description = "Write a CSV of index, label, predicted class.")
    Path predictions;

    @Option(names = "--plots", paramLabel = "DIR", description = "Write misclassified.png (the misclassified images with their "
            + "labels and predictions) and confusion.png (the confusion matrix as a heat map) into DIR.")
    Path plots;

    private static int correct(int[] predicted, int[] labels) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += labels[i] == predicted[i] ? 1 : 0;
        }
        return c;
    }

    @Override
    public Integer call() throws Exception {
        common.applyThreads();
        if (testSize < 0) {
            throw new IllegalArgumentException("--test-size must be >= 0, got " + testSize);
        }
        List<Sequential> nets = model.load(dtype);
        Dataset test = Common.mnist(common, false).head(testSize);
        int[] labels = test.labels();
        int k = (int) nets.get(0).outputSize();
        int[] predicted;
        long start = System.nanoTime();
        List<Plan> plans = new ArrayList<>();
        for (Sequential net : nets) {
            plans.add(compute.engine().plan(net));
        }
        if (nets.size() == 1) {
            predicted = plans.get(0).classify(test.images(), 100);
        } else {
            List<INDArray> probabilities = new Ensemble(plans).memberProbabilities(test.images(), 100);
            for (int m = 0; m < nets.size(); m++) {
                int c = correct(Ensemble.classes(probabilities.get(m)), labels);
                System.out.printf(Locale.ROOT, "member %d (%s): %d / %d (%.4f)%n", m + 1, model.params.get(m), c, labels.length,
                        (double) c / labels.length);
            }
            predicted = Ensemble.classes(Ensemble.mean(probabilities));
            System.out.printf(Locale.ROOT, "ensemble of %d, their softmax outputs averaged:%n", nets.size());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[][] confusion = new long[k][k];
        for (int i = 0; i < labels.length; i++) {
            confusion[labels[i]][predicted[i]]++;
        }
        int correct = correct(predicted, labels);
        System.out.printf(Locale.ROOT, "accuracy: %d / %d (%.4f)%n", correct, labels.length, (double) correct / labels.length);
        System.out.printf(Locale.ROOT, "scored in %.1f s (%.0f images/s, %s, %s engine)%n", seconds, labels.length / seconds,
                nets.get(0).dtype().name().toLowerCase(Locale.ROOT), plans.get(0).engine().name().toLowerCase(Locale.ROOT));
        System.out.println("per class:");
        for (int c = 0; c < k; c++) {
            long total = 0;
            for (long v : confusion[c]) {
                total += v;
            }
            System.out.printf(Locale.ROOT, "  %d: %d / %d (%.4f)%n", c, confusion[c][c], total,
                    total == 0 ? 0.0 : (double) confusion[c][c] / total);
        }
        System.out.println("confusion matrix (rows: label, columns: predicted):");
        StringBuilder header = new StringBuilder("      ");
        for (int c = 0; c < k; c++) {
            header.append(String.format("%6d", c));
        }
        System.out.println(header);
        for (int r = 0; r < k; r++) {
            StringBuilder row = new StringBuilder(String.format("  %2d  ", r));
            for (int c = 0; c < k; c++) {
                row.append(String.format("%6d", confusion[r][c]));
            }
            System.out.println(row);
        }
        if (plots != null) {
            Pictures.misclassified(test.images(), labels, predicted, plots.resolve("misclassified.png"));
            Pictures.confusion(confusion, plots.resolve("confusion.png"));
            System.out.println("wrote misclassified.png and confusion.png in " + plots);
        }
        if (predictions != null) {
            StringBuilder csv = new StringBuilder("index,label,predicted\n");
            for (int i = 0; i < labels.length; i++) {
                csv.append(i).append(',').append(labels[i]).append(',').append(predicted[i]).append('\n');
            }
            AtomicFiles.write(predictions, o -> o.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
            System.out.println("wrote " + predictions);
        }
        return 0;
    }
}
