package io.github.scratchnet.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.TestData;
import io.github.scratchnet.engine.Engine;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SeriesTrainerTest {
    @TempDir
    Path dir;


    @Test
    void threeEpochsOfStep60GiveDezerosLossesOnBothEngines() {
        for (Engine engine : Engine.values()) {
            threeEpochsOfStep60(engine);
        }
    }

    private static void threeEpochsOfStep60(Engine engine) {
        Map<String, INDArray> ref = TestData.referenceNpz("rnn_dezero.npz");
        SinCurve series = new SinCurve(ref.get("sin_train_x").data().asDouble(), ref.get("sin_train_t").data().asDouble());
        NetworkSpec spec = NetworkSpec.series(NetworkSpec.Preset.LSTM, DType.FLOAT64, 0, 100);
        SeriesTrainer t = new SeriesTrainer(spec, SeriesTrainer.defaults(NetworkSpec.Preset.LSTM).withEpochs(3), 30, series,
                engine);
        t.net().load(Map.of("Wx1", TestData.dezeroGates(ref, "train_x2?_W"), "Wh1", TestData.dezeroGates(ref, "train_h2?_W"),
                "bh1", TestData.dezeroGates(ref, "train_x2?_b"),
                "W1", ref.get("train_fc_W"), "b1", ref.get("train_fc_b")), "rnn_dezero.npz");
        assertEquals(34, t.stepsPerEpoch());
        History h = assertDoesNotThrowRun(t, null);
        double[] expected = ref.get("train_epoch_losses").data().asDouble();
        for (int e = 0; e < 3; e++) {
            double loss = h.epochs().get(e).meanLoss();
            assertEquals(expected[e], loss, 1e-9 * expected[e], engine + ": epoch " + (e + 1) + " loss");
        }
        assertEquals(3, t.optimizer().steps(), "one update an epoch: steps 31-34 only add to the loss");
    }

    private static History assertDoesNotThrowRun(SeriesTrainer t, Path checkpoint) {
        try {
            return t.run(checkpoint, e -> { });
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theLoaderReadsStreamsAsDezerosDoes() {
        SinCurve s = SinCurve.train(1);
        SeqBatches b = new SeqBatches(s, 30, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        assertEquals(34, b.iterations());
        assertEquals(33 * 2 + 5, b.index(2, 5));
        assertEquals((29 * 33 + 33) % 999, b.index(29, 33));
        INDArray[] batch = b.batch(3);
        assertEquals(s.inputs()[33 + 3], batch[0].getDouble(1, 0), 0);
        assertEquals(s.targets()[33 + 3], batch[1].getDouble(1, 0), 0);
        SeqBatches one = new SeqBatches(s, 1, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        assertEquals(999, one.iterations());
        for (int k = 0; k < 999; k++) {
            assertEquals(k, one.index(0, k), "batch 1 reads the series in order");
        }
        assertThrows(IllegalArgumentException.class, () -> new SeqBatches(s, 1000, org.nd4j.linalg.api.buffer.DataType.DOUBLE));
    }

    @Test
    void theSineCurveIsDezeros() {
        SinCurve s = SinCurve.train(7);
        assertEquals(999, s.length());
        Set<Double> noise = new HashSet<>();
        for (int k = 0; k < s.length(); k++) {
            double clean = Math.sin(2 * Math.PI * k / 999);
            double n = s.inputs()[k] - clean;
            assertTrue(Math.abs(n) <= SinCurve.NOISE, "noise within 0.05 at " + k);
            noise.add(n);
            if (k > 0) {
                assertEquals(s.inputs()[k], s.targets()[k - 1], 0, "each target is the next value");
            }
        }
        assertTrue(noise.size() > 990, "noise drawn for every point");
        assertArrayEquals(s.inputs(), SinCurve.train(7).inputs(), "the same seed, the same noise");
        assertTrue(SinCurve.train(8).inputs()[5] != s.inputs()[5], "another seed, other noise");
        assertEquals(1.0, SinCurve.testCurve().inputs()[0], 0);
        assertEquals(Math.cos(4 * Math.PI / 999), SinCurve.testCurve().targets()[0], 1e-15);
    }

    @Test
    void aResumedRunEndsWithTheParamsOfAnUninterruptedOne() throws Exception {
        for (NetworkSpec.Preset preset : new NetworkSpec.Preset[] {NetworkSpec.Preset.RNN, NetworkSpec.Preset.LSTM}) {
            NetworkSpec spec = NetworkSpec.series(preset, DType.FLOAT32, 5, 12);
            TrainConfig config = SeriesTrainer.defaults(preset).withEpochs(4);
            config = new TrainConfig(4, 20, config.optimizer(), config.lr(), config.schedule(), 0, 0, 0, config.sampling(),
                    config.augmentation(), 0, 0, 0, 0);
            SeriesTrainer whole = new SeriesTrainer(spec, config, 7, Engine.FAST);
            whole.run(null, e -> { });
            Path ckpt = dir.resolve(preset + ".ckpt");
            new SeriesTrainer(spec, config.withEpochs(2), 7, Engine.FAST).run(ckpt, e -> { });
            SeriesTrainer resumed = SeriesTrainer.resume(ckpt, 4, null);
            assertEquals(2, resumed.epochsDone());
            assertEquals(7, resumed.bpttLength());
            resumed.run(ckpt, e -> { });
            for (String key : whole.net().saved().keys()) {
                assertArrayEquals(whole.net().saved().get(key).data().asFloat(), resumed.net().saved().get(key).data().asFloat(),
                        preset + " " + key);
            }
            assertEquals(whole.history().epochs().get(3).meanLoss(), resumed.history().epochs().get(3).meanLoss(), 0);
            assertTrue(whole.history().epochs().get(3).meanLoss() < whole.history().epochs().get(0).meanLoss(),
                    preset + ": the loss falls");
        }
    }
}
