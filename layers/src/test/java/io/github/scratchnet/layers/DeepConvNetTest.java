package io.github.scratchnet.layers;

import static io.github.scratchnet.core.TestData.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.TestData;
import io.github.scratchnet.core.io.Pickles;
import io.github.scratchnet.engine.Engine;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The book's pretrained DeepConvNet against values the book's own code computed
 * (deepconvnet_2016_batch4.npz), on both engines.
 */
class DeepConvNetTest {
    private static final double RTOL = 1e-9;

    private static Sequential bookNet() throws IOException {
        Sequential net = DeepConvNet.create(DType.FLOAT64, 0, Dropout.Mode.BOOK);
        net.load(Pickles.readArrays(TestData.reference("deep_convnet_params.pkl")), "deep_convnet_params.pkl");
        return net;
    }

    private static List<Dropout> dropouts(Sequential net) {
        return net.layers().stream().filter(l -> l instanceof Dropout).map(l -> (Dropout) l).toList();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void testModeLogitsEqualTheBooks(Engine engine) throws IOException {
        Map<String, INDArray> ref = TestData.referenceNpz("deepconvnet_2016_batch4.npz");
        Model net = engine.plan(bookNet());
        assertClose(ref.get("logits_test"), net.predict(ref.get("x"), false), RTOL, "logits_test");
        assertEquals(ref.get("loss_test_mode").getDouble(0), net.loss(ref.get("x"), ref.get("t"), false),
                RTOL * ref.get("loss_test_mode").getDouble(0));
    }

    @Test
    void eachLayersTestModeActivationsEqualTheBooks() throws IOException {
        Map<String, INDArray> ref = TestData.referenceNpz("deepconvnet_2016_batch4.npz");
        Sequential net = bookNet();
        INDArray a = ref.get("x").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        for (int i = 0; i <= 15; i++) {
            a = net.layers().get(i).forward(a, false);
            String key = String.format("act_layer%02d", i);
            if (ref.containsKey(key)) {
                assertClose(ref.get(key), a, RTOL, key);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void lossAndGradientsWithoutDropoutEqualTheBooks(Engine engine) throws IOException {
        Map<String, INDArray> ref = TestData.referenceNpz("deepconvnet_2016_batch4.npz");
        Sequential book = bookNet();
        dropouts(book).forEach(d -> d.setMaskSource(shape -> Nd4j.ones(shape)));
        Model net = engine.plan(book);
        assertClose(ref.get("logits_nodrop"), net.predict(ref.get("x"), true), RTOL, "logits_nodrop");
        double loss = net.loss(ref.get("x"), ref.get("t"), true);
        assertEquals(ref.get("loss_nodrop").getDouble(0), loss, RTOL * loss);
        Map<String, INDArray> grads = net.gradient();
        assertEquals(16, grads.size());
        grads.forEach((k, g) -> assertClose(ref.get("grad_" + k), g, RTOL, "grad_" + k));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void lossAndGradientsWithTheBooksDropoutMasksEqualTheBooks(Engine engine) throws IOException {
        Map<String, INDArray> ref = TestData.referenceNpz("deepconvnet_2016_batch4.npz");
        Sequential book = bookNet();
        List<Dropout> drops = dropouts(book);
        Model net = engine.plan(book);
        drops.get(0).setMaskSource(shape -> ref.get("drop_mask17"));
        drops.get(1).setMaskSource(shape -> ref.get("drop_mask19"));
        double loss = net.loss(ref.get("x"), ref.get("t"), true);
        assertEquals(ref.get("drop_loss").getDouble(0), loss, RTOL * loss);
        Map<String, INDArray> grads = net.gradient();
        int compared = 0;
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            INDArray want = ref.get("drop_grad_" + e.getKey());
            if (want != null) {
                assertClose(want, e.getValue(), RTOL, "drop_grad_" + e.getKey());
                compared++;
            }
        }
        assertEquals(ref.keySet().stream().filter(k -> k.startsWith("drop_grad_")).count(), compared);
    }

    @Test
    void hasTheBooksKeysAndShapes() {
        Sequential net = DeepConvNet.create(DType.FLOAT32, 1, Dropout.Mode.INVERTED);
        assertEquals(List.of("W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4", "W5", "b5", "W6", "b6", "W7", "b7", "W8", "b8"),
                List.copyOf(net.params().keys()));
        assertEquals(List.of(1024L, 50L), List.of(net.params().get("W7").size(0), net.params().get("W7").size(1)));
        assertEquals(10, net.outputSize());
    }
}
