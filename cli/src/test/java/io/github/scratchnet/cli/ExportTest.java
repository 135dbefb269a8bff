package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.TestData;
import io.github.scratchnet.core.WeightInit;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.engine.Engine;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.BatchNormalization;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Pooling;
import io.github.scratchnet.layers.Relu;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.layers.Sigmoid;
import io.github.scratchnet.onnx.OnnxExport;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.Mnist;
import io.github.scratchnet.trainer.NetworkSpec;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Exported models run in ONNX Runtime and give scratchnet's predictions and logits. */
class ExportTest {
    @TempDir
    Path dir;

    /** ONNX Runtime's logits (N, K) for images x (N, ...) float32, in batches of 500. */
    private static float[][] run(byte[] model, INDArray x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long n = x.size(0);
        float[][] logits = new float[(int) n][];
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            for (long from = 0; from < n; from += 500) {
                INDArray batch = x.get(NDArrayIndex.interval(from, Math.min(n, from + 500))).castTo(DataType.FLOAT).dup('c');
                try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data().asFloat()), batch.shape());
                     OrtSession.Result r = session.run(Map.of("input", input))) {
                    float[][] out = (float[][]) r.get("logits").get().getValue();
                    System.arraycopy(out, 0, logits, (int) from, out.length);
                }
            }
        }
        return logits;
    }

    /** Every logit within 1e-5 of the largest magnitude in its row (float32 sums in another order), and the same classes. */
    private static void assertSameAsScratchnet(Sequential net, INDArray x, float[][] onnx, String what) {
        INDArray expected = Engine.FAST.plan(net).predict(x, false);
        int[] classes = Engine.FAST.plan(net).classify(x, 100);
        for (int i = 0; i < onnx.length; i++) {
            double scale = expected.getRow(i).amaxNumber().doubleValue();
            int best = 0;
            for (int k = 0; k < onnx[i].length; k++) {
                double diff = Math.abs(onnx[i][k] - expected.getDouble(i, k));
                assertTrue(diff <= 1e-5 * Math.max(scale, 1e-3), what + " image " + i + " logit " + k + ": " + onnx[i][k]
                        + " against " + expected.getDouble(i, k));
                best = onnx[i][k] > onnx[i][best] ? k : best;
            }
            assertEquals(classes[i], best, what + " image " + i);
        }
    }

    @Test
    void theBooksParamsExportedRunInOnnxRuntimeWithScratchnetsPredictionsOnAllTestImages() throws Exception {
        Path pkl = TestData.reference("deep_convnet_params.pkl");
        Dataset test = Mnist.testSet();
        Path onnx = dir.resolve("book.onnx");
        Cli r = Cli.run("export", "--params", pkl.toString(), "--dropout", "book", "--onnx", onnx.toString());
        assertEquals(0, r.exit, r.toString());
        Sequential net = NetworkSpec.of(NetworkSpec.Preset.DEEPCONVNET, DType.FLOAT32, Dropout.Mode.BOOK, 0).build();
        net.load(ParamFiles.read(pkl), pkl.toString());
        float[][] logits = run(Files.readAllBytes(onnx), test.images());
        assertSameAsScratchnet(net, test.images(), logits, "book params");
        int correct = 0;
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int k = 1; k < 10; k++) {
                best = logits[i][k] > logits[i][best] ? k : best;
            }
            correct += best == test.labels()[i] ? 1 : 0;
        }
        assertEquals(9935, correct, "ONNX Runtime's score of the book's params");
    }

    /** Every image classifier preset, and a network of every exported kind of layer (padded pooling, per-feature batch norm, sigmoid). */
    @Test
    void everyPresetAndEveryLayerKindRunsInOnnxRuntimeAsInScratchnet() throws Exception {
        INDArray x = Nd4j.rand(DataType.FLOAT, 40, 1, 28, 28);
        for (NetworkSpec.Preset preset : NetworkSpec.Preset.values()) {
            if (preset.series()) {
                continue;                    // a recurrent layer has no export (OnnxExport says so, CliErrorsTest checks it)
            }
            NetworkSpec spec = new NetworkSpec(preset, DType.FLOAT32, Dropout.Mode.BOOK, 3, NetworkSpec.DEFAULT_HIDDEN, true, 0.2);
            Sequential net = spec.build();
            disturbBatchNormStatistics(net);
            INDArray in = x.reshape(io.github.scratchnet.core.Shapes.withBatch(40, net.inputShape()));
            assertSameAsScratchnet(net, in, run(OnnxExport.toBytes(net), in), preset.name());
        }
        Init init = new Init(DType.FLOAT32, 5);
        Sequential odd = new Sequential(init, 1, 28, 28)
                .add(new Convolution(init, WeightInit.HE, 1, 4, 3, 2, 1))
                .add(new Pooling(Pooling.Kind.MAX, 3, 3, 2, 1))
                .add(new Sigmoid())
                .add(new BatchNormalization(init, 4 * 7 * 7, 0.9, BatchNormalization.Mode.PER_FEATURE))
                .add(new Pooling(Pooling.Kind.AVERAGE, 3, 3, 2, 1))
                .add(new Relu());
        odd.add(new Affine(init, WeightInit.HE, odd.outputSize(), 10)).add(new Dropout(0.3, Dropout.Mode.BOOK, init.rng()));
        disturbBatchNormStatistics(odd);
        INDArray negative = x.sub(0.7);                 // some windows of the padded max pooling all below 0
        assertSameAsScratchnet(odd, negative, run(OnnxExport.toBytes(odd), negative), "a network of every kind");
    }

    /** Running statistics that are not the initial zeros and ones, so the exported batch norm has something to do. */
    private static void disturbBatchNormStatistics(Sequential net) {
        net.state().asMap().forEach((k, a) -> a.assign(Nd4j.rand(a.dataType(), a.shape()).addi(k.startsWith("running_var") ? 0.5 : -0.5)));
    }
}
