package io.github.scratchnet.cli;

import io.github.scratchnet.trainer.History;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The learning curve: the training loss beside train, validation and test accuracy per epoch, as a PNG. */
final class Plots {
    private Plots() {
    }

    static void learningCurve(History h, Path png) throws IOException {
        XYChart loss = new XYChartBuilder().width(640).height(420).title("training loss").xAxisTitle("epoch")
                .yAxisTitle("loss").build();
        // x in epochs, the loss averaged over a tenth of an epoch: a handful of ticks, a readable line
        long perEpoch = h.epochs().isEmpty() ? Math.max(1, h.losses().size()) : Math.max(1, h.epochs().get(0).iterations());
        int window = (int) Math.max(1, perEpoch / 10);
        List<Double> at = new ArrayList<>();
        List<Double> mean = new ArrayList<>();
        for (int from = 0; from < h.losses().size(); from += window) {
            int to = Math.min(h.losses().size(), from + window);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += h.losses().get(i);
            }
            at.add((double) to / perEpoch);
            mean.add(sum / (to - from));
        }
        if (at.isEmpty()) {
            at.add(0.0);
            mean.add(Double.NaN);
        }
        loss.addSeries("loss, mean of " + window + " steps", at, mean).setMarker(SeriesMarkers.NONE);
        loss.getStyler().setLegendVisible(false);
        loss.getStyler().setXAxisDecimalPattern("0.#");
        // from epoch 0, ticks at least 100 pixels apart: whole, round epochs (0, 2, 4, ... or 0, 5, 10, ...)
        loss.getStyler().setXAxisMin(0.0);
        loss.getStyler().setXAxisTickMarkSpacingHint(100);
        XYChart acc = new XYChartBuilder().width(640).height(420).title("accuracy").xAxisTitle("epoch")
                .yAxisTitle("accuracy").build();
        List<Double> ep = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Double> validation = new ArrayList<>();
        List<Double> test = new ArrayList<>();
        for (History.Epoch e : h.epochs()) {
            ep.add((double) e.epoch());
            train.add(e.trainAccuracy());
            validation.add(e.validationAccuracy());
            test.add(e.testAccuracy());
        }
        acc.addSeries("train", ep, train);
        if (h.best() != null) {
            acc.addSeries("validation", ep, validation);
        }
        acc.addSeries("test", ep, test);
        acc.getStyler().setXAxisDecimalPattern("0");
        acc.getStyler().setXAxisTickMarkSpacingHint(100);
        acc.getStyler().setYAxisDecimalPattern("0.000");
        String name = png.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(List.of(loss, acc), 1, 2, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
