package io.github.scratchnet.trainer;

import io.github.scratchnet.core.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What training recorded: the loss of every iteration and the accuracies of every epoch. */
public final class History {
    /** One finished epoch; validationAccuracy is NaN without a validation split. */
    public record Epoch(int epoch, long iterations, double meanLoss, double trainAccuracy, double validationAccuracy,
                        double testAccuracy, double learningRate, double seconds) {
    }

    private final List<Double> losses = new ArrayList<>();
    private final List<Epoch> epochs = new ArrayList<>();

    public void addLoss(double loss) {
        losses.add(loss);
    }

    public void addEpoch(Epoch e) {
        epochs.add(e);
    }

    public List<Double> losses() {
        return losses;
    }

    public List<Epoch> epochs() {
        return epochs;
    }

    /** The epoch of the best validation accuracy (the first of equals), or null without a validation split. */
    public Epoch best() {
        Epoch best = null;
        for (Epoch e : epochs) {
            if (!Double.isNaN(e.validationAccuracy()) && (best == null || e.validationAccuracy() > best.validationAccuracy())) {
                best = e;
            }
        }
        return best;
    }

    /** Per-epoch rows: epoch, iterations, mean_loss, train_acc, val_acc (empty without a split), test_acc, learning_rate, seconds. */
    public String epochsCsv() {
        StringBuilder s = new StringBuilder(String.join(",", COLUMNS) + "\n");
        for (Epoch e : epochs) {
            String val = Double.isNaN(e.validationAccuracy()) ? "" : String.format(Locale.ROOT, "%.8f", e.validationAccuracy());
            s.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.4f,%s,%.4f,%.6g,%.1f%n", e.epoch(), e.iterations(),
                    e.meanLoss(), e.trainAccuracy(), val, e.testAccuracy(), e.learningRate(), e.seconds()));
        }
        return s.toString();
    }

    private static final List<String> COLUMNS = List.of("epoch", "iterations", "mean_loss", "train_acc", "val_acc", "test_acc",
            "learning_rate", "seconds");

    /** Per-iteration rows: iteration, loss. */
    public String lossesCsv() {
        StringBuilder s = new StringBuilder("iteration,loss\n");
        for (int i = 0; i < losses.size(); i++) {
            s.append(i + 1).append(',').append(losses.get(i)).append('\n');
        }
        return s.toString();
    }

    public void writeCsv(Path epochsFile, Path lossesFile) throws IOException {
        write(epochsFile, epochsCsv());
        write(lossesFile, lossesCsv());
    }

    static void write(Path file, String text) throws IOException {
        AtomicFiles.write(file, out -> {
            PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.print(text);
            w.flush();
        });
    }

    /** Restores a history from the two CSVs {@link #epochsCsv()} and {@link #lossesCsv()} wrote. */
    public static History parse(String epochsCsv, String lossesCsv) {
        History h = new History();
        for (String line : lossesCsv.split("\n")) {
            if (!line.isBlank() && !line.startsWith("iteration")) {
                h.addLoss(Double.parseDouble(line.substring(line.indexOf(',') + 1)));
            }
        }
        String[] lines = epochsCsv.split("\n");
        List<String> header = List.of(lines[0].trim().split(","));    // val_acc is missing from older checkpoints
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            double[] v = new double[COLUMNS.size()];
            for (int c = 0; c < v.length; c++) {
                int at = header.indexOf(COLUMNS.get(c));
                v[c] = at < 0 || f[at].isBlank() ? Double.NaN : Double.parseDouble(f[at]);
            }
            h.addEpoch(new Epoch((int) v[0], (long) v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
        }
        return h;
    }
}
