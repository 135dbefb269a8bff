package io.github.scratchnet.engine;

import static io.github.scratchnet.core.TestData.assertClose;
import static io.github.scratchnet.core.TestData.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Init;
import io.github.scratchnet.core.WeightInit;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.BatchNormalization;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.DeepConvNet;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Model;
import io.github.scratchnet.layers.MultiLayerNet;
import io.github.scratchnet.layers.Pooling;
import io.github.scratchnet.layers.Relu;
import io.github.scratchnet.layers.ResNet;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.layers.Sigmoid;
import io.github.scratchnet.layers.SimpleConvNet;
import io.github.scratchnet.layers.Vgg;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The FAST and BOOK engines on the same networks from the same parameters: the loss, every
 * gradient and the outputs agree to 1e-10 relative in float64, over two training steps (dropout
 * masks, batch-norm statistics and an update between them), for every preset and for a network
 * with a layer the engine has no kernel for.
 */
class EnginesTest {
    private static final double RTOL = 1e-10;

    /** A layer of a user's own: each channel scaled by a learned factor s (C,). Not known to the engine. */
    static final class ChannelScale implements Layer {
        private final INDArray s;
        private INDArray x;
        private INDArray ds;

        ChannelScale(INDArray s) {
            this.s = s;
        }

        private INDArray broadcast() {
            return s.reshape(1, s.length(), 1, 1);
        }

        @Override
        public INDArray forward(INDArray x, boolean train) {
            this.x = x.dup();
            return x.mul(Nd4j.tile(broadcast(), (int) x.size(0), 1, (int) x.size(2), (int) x.size(3)));
        }

        @Override
        public INDArray backward(INDArray dout) {
            INDArray scale = Nd4j.tile(broadcast(), (int) dout.size(0), 1, (int) dout.size(2), (int) dout.size(3));
            ds = dout.mul(x).sum(0, 2, 3);
            return dout.mul(scale);
        }

        @Override
        public long[] outputShape(long[] in) {
            return in;
        }

        @Override
        public Map<String, INDArray> params() {
            return Layer.named("s", s);
        }

        @Override
        public Map<String, INDArray> grads() {
            return Layer.named("s", ds);
        }
    }

    /** A network a user might build, none of it a preset; convolution stride 2, 3x3 pooling, batch norm on 4-D input. */
    static Sequential custom(DType dtype, long seed) {
        Init init = new Init(dtype, seed);
        Sequential net = new Sequential(init, 2, 11, 9)
                .add(new Convolution(init, WeightInit.HE, 2, 4, 3, 2, 1))
                .add(new ChannelScale(init.weights(WeightInit.std(1.0), 1, 4).addi(1)))
                .add(new Relu())
                .add(new BatchNormalization(init, 4 * 6 * 5, 0.9, BatchNormalization.Mode.PER_FEATURE))
                .add(new Pooling(Pooling.Kind.MAX, 3, 3, 2, 1))
                .add(new Convolution(init, WeightInit.XAVIER, 4, 3, 2, 1, 0))
                .add(new Sigmoid())
                .add(new Pooling(Pooling.Kind.AVERAGE, 1, 2, 1, 0));
        return net.add(new Affine(init, WeightInit.HE, net.outputSize(), 5))
                .add(new Dropout(0.3, Dropout.Mode.BOOK, init.rng()));
    }

    static Stream<Named<LongFunction<Sequential>>> networks() {
        return Stream.of(
                Named.of("deepconvnet", seed -> DeepConvNet.create(DType.FLOAT64, seed, Dropout.Mode.INVERTED)),
                Named.of("simpleconvnet", seed -> SimpleConvNet.create(DType.FLOAT64, seed)),
                Named.of("multilayernet with batch norm and dropout", seed -> MultiLayerNet.create(DType.FLOAT64, seed,
                        MultiLayerNet.Config.of(60L, 40L).withBatchNorm(true).withDropout(0.3, Dropout.Mode.INVERTED))),
                Named.of("vgg", seed -> Vgg.create(DType.FLOAT64, seed, Dropout.Mode.INVERTED)),
                Named.of("resnet", seed -> ResNet.create(DType.FLOAT64, seed)),
                Named.of("a custom network", seed -> custom(DType.FLOAT64, seed)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void fastAndBookGiveTheSameLossGradientsAndOutputsInFloat64(LongFunction<Sequential> make) {
        Sequential a = make.apply(3);
        Sequential b = make.apply(3);
        Plan fast = Engine.FAST.plan(a);
        Plan book = Engine.BOOK.plan(b);
        long[] in = a.inputShape();
        long[] shape = new long[in.length + 1];
        shape[0] = 6;
        System.arraycopy(in, 0, shape, 1, in.length);
        INDArray t = Nd4j.createFromArray(0, 1, 2, 3, 4, 0);
        for (int step = 0; step < 2; step++) {
            INDArray x = randn(10 + step, shape);
            double lossFast = fast.loss(x, t, true);
            double lossBook = book.loss(x, t, true);
            assertEquals(lossBook, lossFast, RTOL * Math.abs(lossBook), "loss at step " + step);
            Map<String, INDArray> gFast = fast.gradient();
            Map<String, INDArray> gBook = book.gradient();
            assertEquals(List.copyOf(a.params().keys()), List.copyOf(gFast.keySet()), "gradient keys, in params order");
            assertEquals(List.copyOf(gBook.keySet()), List.copyOf(gFast.keySet()));
            for (String k : gBook.keySet()) {
                assertClose(gBook.get(k), gFast.get(k), RTOL, k + " at step " + step);
            }
            assertClose(book.predict(x, false), fast.predict(x, false), RTOL, "test-mode output at step " + step);
            for (String k : gBook.keySet()) {        // the same update on both networks
                a.params().get(k).subi(gFast.get(k).mul(0.1));
                b.params().get(k).subi(gBook.get(k).mul(0.1));
            }
        }
        a.saved().asMap().forEach((k, v) -> assertClose(b.saved().get(k), v, RTOL, k + " after two updates"));
    }

    @Test
    void fusedStepsAreBitIdenticalToTheUnfusedKernelsInFloat32() {
        Sequential a = DeepConvNet.create(DType.FLOAT32, 5, Dropout.Mode.INVERTED);
        Sequential b = DeepConvNet.create(DType.FLOAT32, 5, Dropout.Mode.INVERTED);
        Plan fused = Plan.fast(a, true);
        Plan plain = Plan.fast(b, false);
        INDArray x = randn(20, 8, 1, 28, 28).castTo(DataType.FLOAT);
        INDArray t = Nd4j.createFromArray(0, 1, 2, 3, 4, 5, 6, 7);
        assertEquals(plain.loss(x, t, true), fused.loss(x, t, true), 0.0, "loss");
        Map<String, INDArray> gPlain = plain.gradient();
        fused.gradient().forEach((k, g) -> assertArrayEquals(gPlain.get(k).data().asFloat(), g.data().asFloat(), k));
        assertArrayEquals(plain.predict(x, false).data().asFloat(), fused.predict(x, false).data().asFloat(), "output");
    }

    @Test
    void aTestModeForwardKeepsNoArgmaxSoBackwardRefusesUntilATrainingForward() {
        Plan fused = Plan.fast(DeepConvNet.create(DType.FLOAT32, 5, Dropout.Mode.INVERTED), true);
        Plan plain = Plan.fast(DeepConvNet.create(DType.FLOAT32, 5, Dropout.Mode.INVERTED), false);
        INDArray x = randn(21, 8, 1, 28, 28).castTo(DataType.FLOAT);
        INDArray t = Nd4j.createFromArray(7, 6, 5, 4, 3, 2, 1, 0);
        fused.loss(x, t, false);
        IllegalStateException e = assertThrows(IllegalStateException.class, fused::gradient);
        assertTrue(e.getMessage().contains("backward needs a forward in training mode"), e.getMessage());
        assertEquals(plain.loss(x, t, true), fused.loss(x, t, true), 0.0, "loss");
        Map<String, INDArray> gPlain = plain.gradient();
        fused.gradient().forEach((k, g) -> assertArrayEquals(gPlain.get(k).data().asFloat(), g.data().asFloat(), k));
    }

    @Test
    void classesAreTheFirstLargestScoreOfEachRow() {
        INDArray scores = Nd4j.createFromArray(new float[][] {{0, 3, 1, 3}, {Float.NaN, -1, -2, -3}, {-5, -4, -3, -2}});
        assertArrayEquals(new int[] {1, 1, 3}, Model.classesOf(scores));
        assertArrayEquals(Nd4j.argMax(scores.getRows(0, 2), 1).toIntVector(), new int[] {1, 3});
    }

    @Test
    void theFastPlanFusesDeepConvNetsConvolutionsAndRunsTheRestAsItKnowsThem() {
        List<String> steps = Plan.fast(DeepConvNet.create(DType.FLOAT32, 1, Dropout.Mode.INVERTED), true).steps().stream()
                .map(s -> s.first() + " " + s.getClass().getSimpleName() + ": " + s.describe()).toList();
        String conv = "Convolution(%d, 3x3, stride 1, pad %d)";
        assertEquals(List.of(
                "0 ConvolutionStep: " + conv.formatted(16, 1) + " + Relu",
                "2 ConvolutionStep: " + conv.formatted(16, 1) + " + Relu + Pooling(max, 2x2, stride 2)",
                "5 ConvolutionStep: " + conv.formatted(32, 1) + " + Relu",
                "7 ConvolutionStep: " + conv.formatted(32, 2) + " + Relu + Pooling(max, 2x2, stride 2)",
                "10 ConvolutionStep: " + conv.formatted(64, 1) + " + Relu",
                "12 ConvolutionStep: " + conv.formatted(64, 1) + " + Relu + Pooling(max, 2x2, stride 2)",
                "15 AffineStep: Affine(1024 -> 50)",
                "16 LayerStep: Relu",
                "17 LayerStep: Dropout(0.5, inverted)",
                "18 AffineStep: Affine(50 -> 10)",
                "19 LayerStep: Dropout(0.5, inverted)"), steps);
        // in float64 the pooling runs on its own kernel; a layer it does not know runs as written
        List<Step> custom = Plan.fast(custom(DType.FLOAT64, 1), true).steps();
        assertEquals(List.of("ConvolutionStep", "LayerStep", "LayerStep", "LayerStep", "MaxPoolStep", "ConvolutionStep",
                "LayerStep", "LayerStep", "AffineStep", "LayerStep"),
                custom.stream().map(s -> s.getClass().getSimpleName()).toList());
        assertEquals(List.of("Convolution(16, 3x3, stride 1, pad 1) + Relu", "Convolution(16, 3x3, stride 1, pad 1) + Relu",
                "Pooling(max, 2x2, stride 2)"), Plan.fast(DeepConvNet.create(DType.FLOAT64, 1, Dropout.Mode.INVERTED), true)
                .steps().subList(0, 3).stream().map(Step::describe).toList());
        assertEquals(Engine.FAST, Engine.standard(), "the CPU backend's standard engine");
        // a residual block is one step, its branch and shortcut planned inside it
        Step block = Plan.fast(ResNet.create(DType.FLOAT32, 1), true).steps().get(3);
        assertEquals("3 ResidualStep: Residual(5 layers + x)", block.first() + " " + block.getClass().getSimpleName() + ": "
                + block.describe());
    }
}
