package io.github.scratchnet.cli;

import io.github.scratchnet.core.io.AtomicFiles;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.trainer.History;
import io.github.scratchnet.trainer.NetworkSpec;
import io.github.scratchnet.trainer.SeriesTrainer;
import io.github.scratchnet.trainer.SinCurve;
import io.github.scratchnet.trainer.TrainConfig;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** train --task sin-curve: DeZero's steps 59 and 60, and the files and figures of the run. */
final class SeriesRun {
    private SeriesRun() {
    }

    /** DeZero's settings for {@code preset}, with each of the given options (null: not given) in their place. */
    static TrainConfig config(NetworkSpec.Preset preset, Integer epochs, Integer batchSize, Train t) {
        TrainConfig d = SeriesTrainer.defaults(preset);
        return new TrainConfig(epochs != null ? epochs : d.epochs(), batchSize != null ? batchSize : d.batchSize(),
                t.optimizer != null ? t.optimizer : d.optimizer(), t.lr != null ? t.lr : d.lr(),
                t.schedule != null ? t.schedule : d.schedule(), t.warmupEpochs != null ? t.warmupEpochs : 0,
                t.weightDecay != null ? t.weightDecay : 0, 0, d.sampling(), d.augmentation(), 0, 0, 0, 0);
    }

    static void train(SeriesTrainer trainer, Path out, Path checkpoint) throws IOException {
        Files.createDirectories(out);
        int total = trainer.config().epochs();
        System.out.printf(Locale.ROOT, "%s on the noisy sine curve: %d epochs of %d steps (batch %d, BPTT length %d), %s%n",
                trainer.net().layers().get(0).describe(), total, trainer.stepsPerEpoch(), trainer.config().batchSize(),
                trainer.bpttLength(), trainer.optimizer());
        if (trainer.epochsDone() > 0) {
            System.out.printf(Locale.ROOT, "resuming after epoch %d of %d%n", trainer.epochsDone(), total);
        }
        long start = System.nanoTime();
        History history = trainer.run(checkpoint, e -> System.out.printf(Locale.ROOT, "epoch %d/%d: loss %.6f, %.2f s%n",
                e.epoch(), total, e.meanLoss(), e.seconds()));
        double seconds = (System.nanoTime() - start) / 1e9;
        SinCurve curve = SinCurve.testCurve();
        SeriesTrainer.Prediction p = trainer.predict(curve);
        ParamFiles.write(out.resolve("params.npz"), trainer.net().saved().asMap());
        history.writeCsv(out.resolve("history.csv"), out.resolve("losses.csv"));
        writePrediction(curve, p, out.resolve("prediction.csv"));
        plot(history, curve, p, out.resolve("prediction.png"));
        History.Epoch last = history.epochs().get(history.epochs().size() - 1);
        System.out.printf(Locale.ROOT, "done: %d epochs, last epoch's loss %.6f, %.1f s this run; on the cosine test curve "
                + "the next value is predicted with mean squared error %.6f%n", last.epoch(), last.meanLoss(), seconds,
                p.meanSquaredError());
        System.out.println("wrote " + Train.CHECKPOINT + ", params.npz, history.csv, losses.csv, prediction.csv, prediction.png in "
                + out);
    }

    private static void writePrediction(SinCurve curve, SeriesTrainer.Prediction p, Path csv) throws IOException {
        AtomicFiles.write(csv, o -> {
            PrintWriter w = new PrintWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8));
            w.println("step,input,next,prediction");
            for (int k = 0; k < curve.length(); k++) {
                w.printf(Locale.ROOT, "%d,%.8f,%.8f,%.8f%n", k, curve.inputs()[k], curve.targets()[k], p.values()[k]);
            }
            w.flush();
        });
    }

    /** DeZero's step 59/60 figure, the prediction over the cosine, beside the loss per epoch. */
    private static void plot(History h, SinCurve curve, SeriesTrainer.Prediction p, Path png) throws IOException {
        XYChart fig = new XYChartBuilder().width(640).height(420).title("prediction of the next value").xAxisTitle("x")
                .yAxisTitle("y").build();
        List<Double> x = new ArrayList<>();
        List<Double> truth = new ArrayList<>();
        List<Double> pred = new ArrayList<>();
        for (int k = 0; k < curve.length(); k++) {
            x.add(4 * Math.PI * (k + 1) / (SinCurve.POINTS - 1));
            truth.add(curve.targets()[k]);
            pred.add(p.values()[k]);
        }
        fig.addSeries("y = cos(x)", x, truth).setMarker(SeriesMarkers.NONE);
        fig.addSeries("predict", x, pred).setMarker(SeriesMarkers.NONE);
        fig.getStyler().setXAxisDecimalPattern("0");
        XYChart loss = new XYChartBuilder().width(640).height(420).title("training loss").xAxisTitle("epoch")
                .yAxisTitle("mean loss per step").build();
        List<Double> ep = new ArrayList<>();
        List<Double> l = new ArrayList<>();
        for (History.Epoch e : h.epochs()) {
            ep.add((double) e.epoch());
            l.add(e.meanLoss());
        }
        loss.addSeries("loss", ep, l).setMarker(SeriesMarkers.NONE);
        loss.getStyler().setLegendVisible(false);
        loss.getStyler().setXAxisDecimalPattern("0");
        loss.getStyler().setXAxisMin(0.0);
        loss.getStyler().setXAxisTickMarkSpacingHint(100);
        loss.getStyler().setYAxisLogarithmic(true);
        // whole decades at both ends, so at least two labelled ticks
        double low = l.stream().filter(v -> v > 0).min(Double::compare).orElse(1e-3);
        double high = l.stream().filter(Double::isFinite).max(Double::compare).orElse(1.0);
        loss.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(low))));
        loss.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(Math.max(high, low * 10)))));
        String name = png.toString();
        BitmapEncoder.saveBitmap(List.of(fig, loss), 1, 2, name.substring(0, name.length() - 4), BitmapEncoder.BitmapFormat.PNG);
    }
}
