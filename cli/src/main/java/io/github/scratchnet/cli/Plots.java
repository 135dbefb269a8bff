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

/** The learning curve: loss per iteration beside train and test accuracy per epoch, as a PNG. */
final class Plots {
    private Plots() {
    }

    static void learningCurve(History h, Path png) throws IOException {
        XYChart loss = new XYChartBuilder().width(640).height(420).title("loss").xAxisTitle("iteration")
                .yAxisTitle("loss").build();
        List<Double> it = new ArrayList<>();
        List<Double> smooth = new ArrayList<>();
        double s = Double.NaN;
        for (int i = 0; i < h.losses().size(); i++) {
            double l = h.losses().get(i);
            s = Double.isNaN(s) ? l : 0.98 * s + 0.02 * l;
            it.add((double) i + 1);
            smooth.add(s);
        }
        loss.addSeries("loss (smoothed)", it, smooth).setMarker(SeriesMarkers.NONE);
        loss.getStyler().setLegendVisible(false);
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
        String name = png.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(List.of(loss, acc), 1, 2, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
