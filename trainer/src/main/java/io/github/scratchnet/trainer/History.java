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
    /** One finished epoch. */
    public record Epoch(int epoch, long iterations, double meanLoss, double trainAccuracy, double testAccuracy,
                        double learningRate, double seconds) {
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

    /** Per-epoch rows: epoch, iterations, mean_loss, train_acc, test_acc, learning_rate, seconds. */
    public String epochsCsv() {
        StringBuilder s = new StringBuilder("epoch,iterations,mean_loss,train_acc,test_acc,learning_rate,seconds\n");
        for (Epoch e : epochs) {
            s.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.4f,%.4f,%.6g,%.1f%n", e.epoch(), e.iterations(),
                    e.meanLoss(), e.trainAccuracy(), e.testAccuracy(), e.learningRate(), e.seconds()));
        }
        return s.toString();
    }

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
        for (String line : epochsCsv.split("\n")) {
            if (!line.isBlank() && !line.startsWith("epoch")) {
                String[] f = line.split(",");
                h.addEpoch(new Epoch(Integer.parseInt(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[6])));
            }
        }
        return h;
    }
}
