package io.github.scratchnet.cli;

import io.github.scratchnet.core.AtomicFiles;
import io.github.scratchnet.core.Backend;
import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Gemm;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.layers.Affine;
import io.github.scratchnet.layers.Convolution;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Layer;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.optimizers.Optimizer;
import io.github.scratchnet.optimizers.OptimizerKind;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.NetworkSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = {"Measure training and inference throughput, time per layer, and the machine's matrix-multiply "
                + "rate on the network's own GEMM shapes (the lower bound of a training step).",
            "Training uses real MNIST batches when the data is present, else random images."})
final class Bench implements Callable<Integer> {
    @Mixin
    Common.Options common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--network", paramLabel = "NAME", description = "deepconvnet, simpleconvnet or multilayernet (default: ${DEFAULT-VALUE}).")
    NetworkSpec.Preset network = NetworkSpec.Preset.DEEPCONVNET;

    @Option(names = "--batch-size", paramLabel = "N", description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 100;

    @Option(names = "--steps", paramLabel = "N", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int steps = 50;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup = 10;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32 or float64 (default: float32).")
    DType dtype = DType.FLOAT32;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure to this JSON file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || steps < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch-size and --steps must be positive and --warmup at least 0");
        }
        common.applyThreads();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("network", network.name().toLowerCase(Locale.ROOT));
        result.put("dtype", dtype.name().toLowerCase(Locale.ROOT));
        result.put("batch_size", batchSize);
        result.put("threads", threads());
        result.put("kernel_workers", io.github.scratchnet.core.Workers.count());
        result.put("nd4j_native", Backend.configure().isEmpty() ? "generic" : Backend.configure().substring(1));

        Dataset data = mnistOrRandom();
        result.put("data", data == null ? "random" : "mnist");
        NetworkSpec ns = NetworkSpec.of(network, dtype, Dropout.Mode.INVERTED, 1);
        Sequential net = ns.build();
        Optimizer opt = OptimizerKind.ADAM.create(Double.NaN);
        long[] in = net.inputShape();
        INDArray x = data != null ? data.images().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, batchSize)).dup('c')
                : Nd4j.rand(dtype.nd4j(), Shapes.withBatch(batchSize, in));
        INDArray t = Nd4j.createFromArray(data != null ? Arrays.copyOf(data.labels(), batchSize) : new int[batchSize]);

        // Training steps: forward, backward, Adam update.
        for (int i = 0; i < warmup; i++) {
            net.loss(x, t, true);
            opt.update(net.params(), net.gradient());
        }
        // The median step: the machines are shared, and a median shrugs off a neighbour's burst.
        double[] stepTimes = new double[steps];
        for (int i = 0; i < steps; i++) {
            long start = System.nanoTime();
            net.loss(x, t, true);
            opt.update(net.params(), net.gradient());
            stepTimes[i] = (System.nanoTime() - start) / 1e6;
        }
        double stepMs = median(stepTimes);
        result.put("train_step_ms", stepMs);
        result.put("train_step_ms_mean", Arrays.stream(stepTimes).average().orElse(Double.NaN));
        result.put("peak_rss_training_mb", peakRssMb());
        result.put("train_images_per_s", batchSize * 1000 / stepMs);

        // Per layer, forward and backward.
        List<Layer> layers = net.layers();
        double[] fwd = new double[layers.size()];
        double[] bwd = new double[layers.size()];
        int perLayerSteps = Math.max(5, steps / 5);
        for (int s = 0; s < perLayerSteps; s++) {
            INDArray a = x.castTo(dtype.nd4j());
            for (int i = 0; i < layers.size(); i++) {
                long t0 = System.nanoTime();
                a = layers.get(i).forward(a, true);
                fwd[i] += (System.nanoTime() - t0) / 1e6 / perLayerSteps;
            }
            net.lossLayer().forward(a, t);
            INDArray d = net.lossLayer().backward();
            for (int i = layers.size() - 1; i >= 0; i--) {
                long t0 = System.nanoTime();
                d = i > 0 ? layers.get(i).backward(d) : layers.get(i).backwardParamsOnly(d);   // as Sequential does
                bwd[i] += (System.nanoTime() - t0) / 1e6 / perLayerSteps;
            }
        }
        List<Map<String, Object>> table = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", i + " " + layers.get(i).describe() + (layers.get(i).fusedIntoPrevious() ? " (fused)" : ""));
            row.put("fused_into_previous", layers.get(i).fusedIntoPrevious());
            row.put("forward_ms", fwd[i]);
            row.put("backward_ms", bwd[i]);
            table.add(row);
        }
        result.put("layers", table);

        // The GEMMs of one training step, alone, on the same shapes and transposes as the layers use.
        // Timed with each GEMM library at hand; the faster is the bound.
        double[] gemm = gemmOnly(net, batchSize, perLayerSteps);
        double bound = Double.isNaN(gemm[1]) ? gemm[0] : Math.min(gemm[0], gemm[1]);
        result.put("gemm_gflop_per_step", gemm[2] / 1e9);
        result.put("gemm_only_step_ms", bound);
        result.put("gemm_only_library", bound == gemm[0] ? "OpenBLAS" : "oneDNN");
        result.put("gemm_only_openblas_ms", gemm[0]);
        if (!Double.isNaN(gemm[1])) {
            result.put("gemm_only_onednn_ms", gemm[1]);
        }
        result.put("gemm_gflops", gemm[2] / 1e9 / (bound / 1000));
        result.put("step_vs_gemm_only", stepMs / bound);

        // Inference on the test set (or random images).
        Dataset test = data != null ? Common.mnist(common, false) : null;
        INDArray images = test != null ? test.images() : Nd4j.rand(dtype.nd4j(), Shapes.withBatch(10_000, in));
        for (int b : new int[] {100, 1000}) {
            net.classify(images, b);
            long t0 = System.nanoTime();
            net.classify(images, b);
            double sec = (System.nanoTime() - t0) / 1e9;
            result.put("inference_images_per_s_batch" + b, images.size(0) / sec);
        }
        result.put("peak_rss_mb", peakRssMb());
        print(result);
        if (json != null) {
            String text = Json.write(result);
            AtomicFiles.write(json, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
            System.out.println("wrote " + json);
        }
        return 0;
    }

    private Dataset mnistOrRandom() {
        try {
            if (io.github.scratchnet.trainer.MnistFiles.missing(common.dataDir()).isEmpty()) {
                return Dataset.readSplit(common.dataDir(), true).head(Math.max(batchSize, 1000));
            }
        } catch (java.io.IOException e) {
            System.err.println("scratchnet: MNIST unreadable (" + e.getMessage() + "), using random images");
        }
        return null;
    }

    /**
     * {ms per step of the GEMMs alone through OpenBLAS, the same through oneDNN (NaN where FLOAT
     * GEMMs do not go there), FLOP per step}, each the median of reps, the two alternating.
     */
    private double[] gemmOnly(Sequential net, int n, int reps) {
        List<INDArray[]> calls = new ArrayList<>();   // {a, b, c, transA, transB}
        List<boolean[]> flags = new ArrayList<>();
        double flop = 0;
        long[] shape = Shapes.withBatch(n, net.inputShape());
        for (Layer l : net.layers()) {
            long[] out = l.outputShape(shape);
            long m;
            long k;
            long f;
            if (l instanceof Convolution) {
                INDArray w = l.params().get("W");
                m = n * out[2] * out[3];
                k = w.length() / w.size(0);
                f = w.size(0);
            } else if (l instanceof Affine) {
                INDArray w = l.params().get("W");
                m = n;
                k = w.size(0);
                f = w.size(1);
            } else {
                shape = out;
                continue;
            }
            var type = dtype.nd4j();
            INDArray col = Nd4j.rand(type, m, k);
            INDArray wt = Nd4j.rand(type, f, k);
            INDArray d = Nd4j.rand(type, m, f);
            // forward col·Wᵀ, backward dᵀ·col and d·W
            calls.add(new INDArray[] {col, wt, Nd4j.create(type, m, f)});
            flags.add(new boolean[] {false, true});
            calls.add(new INDArray[] {d, col, Nd4j.create(type, f, k)});
            flags.add(new boolean[] {true, false});
            calls.add(new INDArray[] {d, wt, Nd4j.create(type, m, k)});
            flags.add(new boolean[] {false, false});
            flop += 3 * 2.0 * m * k * f;
            shape = out;
        }
        // Whole-batch GEMMs on all cores: each library runs multi-threaded here, as fast as it goes
        // on these shapes (the layers call them single-threaded from their own worker threads).
        var blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        blas.setMaxThreads(threads());
        boolean onednn = dtype.nd4j() == org.nd4j.linalg.api.buffer.DataType.FLOAT && Gemm.floatLibrary().equals("oneDNN");
        Runnable viaOpenBlas = () -> {
            for (int i = 0; i < calls.size(); i++) {
                Nd4j.gemm(calls.get(i)[0], calls.get(i)[1], calls.get(i)[2], flags.get(i)[0], flags.get(i)[1], 1.0, 0.0);
            }
        };
        Runnable viaOneDnn = () -> Gemm.withThreads(threads(), () -> {
            for (int i = 0; i < calls.size(); i++) {
                INDArray a = calls.get(i)[0];
                INDArray b = calls.get(i)[1];
                INDArray c = calls.get(i)[2];
                boolean ta = flags.get(i)[0];
                int m = (int) c.size(0);
                int nn = (int) c.size(1);
                int k = (int) (ta ? a.size(0) : a.size(1));
                Gemm.gemm(ta, flags.get(i)[1], m, nn, k, a, 0, (int) a.size(1), b, 0, (int) b.size(1), 0.0, c, 0, nn);
            }
        });
        try {
            viaOpenBlas.run();
            if (onednn) {
                viaOneDnn.run();
            }
            double[] openblas = new double[reps];
            double[] onednnTimes = new double[reps];
            for (int r = 0; r < reps; r++) {
                openblas[r] = millis(viaOpenBlas);
                onednnTimes[r] = onednn ? millis(viaOneDnn) : Double.NaN;
            }
            return new double[] {median(openblas), onednn ? median(onednnTimes) : Double.NaN, flop};
        } finally {
            blas.setMaxThreads(before);
            Gemm.singleThreaded();
        }
    }

    private static double millis(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private int threads() {
        return common.threads != null ? common.threads : Runtime.getRuntime().availableProcessors();
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }


    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r) {
        System.out.printf(Locale.ROOT, "%s, %s, batch %s, %s threads, ND4J native build: %s, data: %s%n", r.get("network"),
                r.get("dtype"), r.get("batch_size"), r.get("threads"), r.get("nd4j_native"), r.get("data"));
        System.out.printf(Locale.ROOT, "training:  %.1f ms/step, %.0f images/s%n", r.get("train_step_ms"),
                r.get("train_images_per_s"));
        System.out.printf(Locale.ROOT, "GEMMs alone: %.2f GFLOP/step in %.1f ms (%.0f GFLOP/s, %s%s): the step takes %.2fx that%n",
                r.get("gemm_gflop_per_step"), r.get("gemm_only_step_ms"), r.get("gemm_gflops"), r.get("gemm_only_library"),
                r.containsKey("gemm_only_onednn_ms")
                        ? String.format(Locale.ROOT, "; OpenBLAS %.1f ms, oneDNN %.1f ms", r.get("gemm_only_openblas_ms"), r.get("gemm_only_onednn_ms"))
                        : "",
                r.get("step_vs_gemm_only"));
        System.out.printf(Locale.ROOT, "inference: %.0f images/s (batch 100), %.0f images/s (batch 1000)%n",
                r.get("inference_images_per_s_batch100"), r.get("inference_images_per_s_batch1000"));
        System.out.printf(Locale.ROOT, "peak RSS:  %.0f MB after the training steps, %.0f MB in all (the GEMM bound and batch-1000 inference use more)%n",
                r.get("peak_rss_training_mb"), r.get("peak_rss_mb"));
        System.out.printf(Locale.ROOT, "%-44s %10s %10s%n", "layer", "fwd ms", "bwd ms");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("layers")) {
            System.out.printf(Locale.ROOT, "%-44s %10.2f %10.2f%n", row.get("layer"), row.get("forward_ms"), row.get("backward_ms"));
        }
    }

    /** A small JSON writer for the result map (numbers, strings, lists and maps). */
    static final class Json {
        private Json() {
        }

        static String write(Object o) {
            StringBuilder s = new StringBuilder();
            write(o, s, "");
            return s.append('\n').toString();
        }

        @SuppressWarnings("unchecked")
        private static void write(Object o, StringBuilder s, String indent) {
            if (o instanceof Map<?, ?> m) {
                s.append("{\n");
                int i = 0;
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    s.append(indent).append("  \"").append(e.getKey()).append("\": ");
                    write(e.getValue(), s, indent + "  ");
                    s.append(++i < m.size() ? ",\n" : "\n");
                }
                s.append(indent).append('}');
            } else if (o instanceof List<?> l) {
                s.append("[\n");
                for (int i = 0; i < l.size(); i++) {
                    s.append(indent).append("  ");
                    write(l.get(i), s, indent + "  ");
                    s.append(i + 1 < l.size() ? ",\n" : "\n");
                }
                s.append(indent).append(']');
            } else if (o instanceof Number n) {
                double d = n.doubleValue();
                s.append(Double.isFinite(d) ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d)
                        : String.format(Locale.ROOT, "%.4f", d)) : "null");
            } else {
                s.append('"').append(String.valueOf(o).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
    }
}
