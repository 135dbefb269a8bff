package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.engine.CpuRuntime;
import io.github.scratchnet.engine.Engine;
import io.github.scratchnet.layers.SeriesModel;
import io.github.scratchnet.optimizers.Adam;
import io.github.scratchnet.trainer.NetworkSpec;
import io.github.scratchnet.trainer.SeriesTrainer;
import io.github.scratchnet.trainer.SinCurve;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * bench --network rnn|lstm: the time of one training step of a series network as train --task
 * sin-curve takes it, a chunk of L time steps forward (loss included), backward through them, one
 * Adam update and the cut, on the sine curve read as DeZero's SeqDataLoader reads it.
 */
final class SeriesBench {
    private SeriesBench() {
    }

    static Map<String, Object> run(NetworkSpec.Preset preset, Engine engine, DType dtype, int batchSize, int bptt, int chunks,
                                   int warmup) {
        SeriesModel model = engine.series(NetworkSpec.series(preset, dtype, 1, SeriesTrainer.DEFAULT_HIDDEN).build());
        Adam adam = new Adam(0.001, 0.9, 0.999, 1e-8);
        SinCurve s = SinCurve.train(1);
        int n = s.length();
        double[] times = new double[chunks];
        INDArray x = Nd4j.create(dtype.nd4j(), batchSize, 1);
        INDArray t = Nd4j.create(dtype.nd4j(), batchSize, 1);
        int k = 0;
        for (int c = 0; c < warmup + chunks; c++) {
            long start = System.nanoTime();
            for (int step = 0; step < bptt; step++, k++) {
                for (int i = 0; i < batchSize; i++) {
                    int at = (int) (((long) i * (n / batchSize) + k) % n);
                    x.putScalar(i, 0, s.inputs()[at]);
                    t.putScalar(i, 0, s.targets()[at]);
                }
                model.step(x, t);
            }
            adam.update(model.network().params(), model.backward());
            model.truncate();
            if (c >= warmup) {
                times[c - warmup] = (System.nanoTime() - start) / 1e6;
            }
        }
        double ms = CpuRuntime.median(times);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("network", preset.name().toLowerCase(Locale.ROOT));
        r.put("engine", engine.name().toLowerCase(Locale.ROOT));
        r.put("dtype", dtype.name().toLowerCase(Locale.ROOT));
        r.put("hidden_size", SeriesTrainer.DEFAULT_HIDDEN);
        r.put("batch_size", batchSize);
        r.put("bptt_length", bptt);
        r.put("cpu", Bench.cpuModel());
        r.put("chunk_ms", ms);
        r.put("time_step_us", ms * 1000 / bptt);
        r.put("time_steps_per_s", bptt * 1000 / ms);
        System.out.printf(Locale.ROOT, "%s (hidden %d), %s engine, %s, batch %d, BPTT length %d; cpu: %s%n", r.get("network"),
                SeriesTrainer.DEFAULT_HIDDEN, r.get("engine"), r.get("dtype"), batchSize, bptt, r.get("cpu"));
        System.out.printf(Locale.ROOT, "training step (%d time steps forward with the loss, backward through them, Adam update): "
                + "%.2f ms median, %.1f us per time step, %.0f time steps/s%n", bptt, ms, ms * 1000 / bptt, bptt * 1000 / ms);
        return r;
    }
}
