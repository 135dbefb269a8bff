package io.github.scratchnet.cli;

import io.github.scratchnet.core.Backend;
import io.github.scratchnet.core.Buffers;
import io.github.scratchnet.core.DType;
import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.io.AtomicFiles;
import io.github.scratchnet.engine.Arithmetic;
import io.github.scratchnet.engine.CpuRuntime;
import io.github.scratchnet.engine.Engine;
import io.github.scratchnet.engine.Plan;
import io.github.scratchnet.engine.Step;
import io.github.scratchnet.layers.Dropout;
import io.github.scratchnet.layers.Model;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.optimizers.Optimizer;
import io.github.scratchnet.optimizers.OptimizerKind;
import io.github.scratchnet.trainer.Augmentation;
import io.github.scratchnet.trainer.Batches;
import io.github.scratchnet.trainer.Dataset;
import io.github.scratchnet.trainer.NetworkSpec;
import io.github.scratchnet.trainer.SeriesTrainer;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = {"Measure training and inference throughput, time per step of the engine's plan, and the "
                + "step's multiplications, and the machine's matrix-multiply rate on the step's products as whole-batch GEMMs, in the "
                + "book's im2row form and in Winograd's reduced arithmetic.",
            "Training uses real MNIST batches when the data is present, else random images."})
final class Bench implements Callable<Integer> {
    @Mixin
    Common.Options common;

    @Mixin
    Common.Compute compute;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--network", paramLabel = "NAME",
            description = "deepconvnet, simpleconvnet, multilayernet, vgg, resnet, rnn or lstm (default: ${DEFAULT-VALUE}).")
    NetworkSpec.Preset network = NetworkSpec.Preset.DEEPCONVNET;

    @Option(names = "--batch-size", paramLabel = "N", description = "Training batch size (default: 100; rnn 1, lstm 30).")
    Integer batchSize;

    @Option(names = "--bptt", paramLabel = "L", description = "rnn and lstm: time steps per training step (default: 30).")
    int bptt = SeriesTrainer.DEFAULT_BPTT;

    @Option(names = "--steps", paramLabel = "N", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int steps = 50;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup = 10;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "float32 or float64 (default: float32).")
    DType dtype = DType.FLOAT32;

    @Option(names = "--augment", paramLabel = "SPEC", converter = Train.AugmentationConverter.class,
            description = "Distort the training batches as train --augment does (default: off).")
    Augmentation augment = Augmentation.NONE;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure to this JSON file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        int batchSize = this.batchSize != null ? this.batchSize
                : network.series() ? SeriesTrainer.defaults(network).batchSize() : 100;
        if (batchSize < 1 || steps < 1 || warmup < 0 || bptt < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch-size, --bptt and --steps must be positive and --warmup at least 0");
        }
        common.applyThreads();
        Common.requireTrainable(dtype, spec);
        if (network.series()) {
            writeJson(SeriesBench.run(network, compute.engine(), dtype, batchSize, bptt, steps, warmup));
            return 0;
        }
        Engine engine = compute.engine();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("network", network.name().toLowerCase(Locale.ROOT));
        result.put("engine", engine.name().toLowerCase(Locale.ROOT));
        result.put("dtype", dtype.name().toLowerCase(Locale.ROOT));
        result.put("batch_size", batchSize);
        result.put("threads", threads());
        result.put("kernel_workers", CpuRuntime.threads());
        result.put("cpu", cpuModel());
        result.put("nd4j_native", Backend.configure().isEmpty() ? "generic" : Backend.configure().substring(1));

        Dataset data = mnistOrRandom(batchSize);
        result.put("data", data == null ? "random" : "mnist");
        result.put("augment", augment.toString());
        Sequential net = NetworkSpec.of(network, dtype, Dropout.Mode.INVERTED, 1).build();
        Plan plan = engine.plan(net);
        Optimizer opt = OptimizerKind.ADAM.create(Double.NaN);
        long[] in = net.inputShape();
        Dataset source = data != null ? data : new Dataset(Nd4j.rand(DataType.FLOAT, Shapes.withBatch(Math.max(batchSize, 1000), in)),
                new int[Math.max(batchSize, 1000)]);
        INDArray x = source.images().get(NDArrayIndex.interval(0, batchSize)).dup('c');
        INDArray t = Nd4j.createFromArray(Arrays.copyOf(source.labels(), batchSize));

        // Training steps as the trainer takes them: each batch made (and distorted, with --augment) on the
        // batch thread while the step before computes; forward, backward, Adam update.
        int[] order = new int[(warmup + steps) * batchSize];
        for (int i = 0; i < order.length; i++) {
            order[i] = i % (int) source.size();
        }
        double[] stepTimes = new double[steps];
        try (Batches batches = new Batches(source, batchSize, augment, 1)) {
            batches.start(0, order, warmup + steps);
            for (int i = 0; i < warmup + steps; i++) {
                long start = System.nanoTime();
                Batches.Batch batch = batches.take(i);
                plan.loss(batch.x(), batch.labels(), true);
                opt.update(net.params(), plan.gradient());
                if (i >= warmup) {
                    // the median step: the machines are shared, and a median shrugs off a neighbour's burst
                    stepTimes[i - warmup] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        double stepMs = CpuRuntime.median(stepTimes);
        result.put("train_step_ms", stepMs);
        result.put("train_step_ms_mean", Arrays.stream(stepTimes).average().orElse(Double.NaN));
        result.put("peak_rss_training_mb", peakRssMb());
        result.put("train_images_per_s", batchSize * 1000 / stepMs);

        // Per step of the plan, forward and backward, as Plan runs them.
        List<Step> planSteps = plan.steps();
        double[] fwd = new double[planSteps.size()];
        double[] bwd = new double[planSteps.size()];
        int perStepRounds = Math.max(5, steps / 5);
        for (int r = 0; r < perStepRounds; r++) {
            INDArray a = net.input(x);
            for (int i = 0; i < planSteps.size(); i++) {
                long t0 = System.nanoTime();
                a = planSteps.get(i).forward(a, true);
                fwd[i] += (System.nanoTime() - t0) / 1e6 / perStepRounds;
            }
            net.lossLayer().forward(a, t);
            INDArray d = net.lossLayer().backward();
            for (int i = planSteps.size() - 1; i >= 0; i--) {
                long t0 = System.nanoTime();
                d = planSteps.get(i).backward(d, i > 0);
                bwd[i] += (System.nanoTime() - t0) / 1e6 / perStepRounds;
            }
        }
        List<Map<String, Object>> table = new ArrayList<>();
        for (int i = 0; i < planSteps.size(); i++) {
            Step step = planSteps.get(i);
            int last = step.first() + step.layers().size() - 1;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layers", step.first() == last ? Integer.toString(last) : step.first() + "-" + last);
            row.put("step", step.describe());
            row.put("forward_ms", fwd[i]);
            row.put("backward_ms", bwd[i]);
            table.add(row);
        }
        result.put("steps", table);

        // The arithmetic: the multiplications the plan's products perform, and the time the step's products
        // take alone as whole-batch GEMMs, in the book's im2row form and at Winograd's reduced arithmetic.
        Arithmetic.Form planForm = engine == Engine.FAST ? Arithmetic.Form.PLAN : Arithmetic.Form.IM2ROW;
        long mults = Arithmetic.multiplications(net, batchSize, planForm);
        result.put("multiplications_per_step", mults);
        result.put("multiplications_form", Arithmetic.multiplications(net, batchSize, Arithmetic.Form.IM2ROW) == mults
                ? "im2row" : "winograd forward");
        result.put("step_gflops", 2.0 * mults / 1e9 / (stepMs / 1000));
        CpuRuntime.GemmBound gemm = CpuRuntime.gemmBound(net, batchSize, Arithmetic.Form.IM2ROW, perStepRounds, threads());
        putBound(result, "gemm", gemm);
        result.put("step_vs_gemm_only", stepMs / gemm.ms());
        CpuRuntime.GemmBound reduced = CpuRuntime.gemmBound(net, batchSize, Arithmetic.Form.REDUCED, perStepRounds, threads());
        putBound(result, "reduced_gemm", reduced);
        result.put("reduced_vs_im2row_flop", reduced.flop() / gemm.flop());
        result.put("step_vs_reduced_gemm_only", stepMs / reduced.ms());

        // Inference on the test set (or random images).
        Dataset test = data != null ? Common.mnist(common, false) : null;
        INDArray images = test != null ? test.images() : Nd4j.rand(dtype.nd4j(), Shapes.withBatch(10_000, in));
        for (int b : new int[] {100, 1000}) {
            plan.classify(images, b);
            long t0 = System.nanoTime();
            plan.classify(images, b);
            double sec = (System.nanoTime() - t0) / 1e9;
            result.put("inference_images_per_s_batch" + b, images.size(0) / sec);
        }
        // Where inference's time goes: classify's batches again, each part timed, in ms per 100 images.
        for (int b : new int[] {100, 1000}) {
            double[] parts = inferenceParts(plan, images, b);
            for (int i = 0; i < planSteps.size(); i++) {
                table.get(i).put("inference_ms_per_100_batch" + b, parts[i + 1]);
            }
            result.put("inference_batch_copy_ms_per_100_batch" + b, parts[0]);
            result.put("inference_argmax_ms_per_100_batch" + b, parts[planSteps.size() + 1]);
        }
        result.put("peak_rss_mb", peakRssMb());
        print(result);
        writeJson(result);
        return 0;
    }

    /**
     * Classify's work on {@code images} in batches of {@code b}, each part timed: the copy of the
     * batch, each step of the plan in test mode, the argmax; ms per 100 images, in that order.
     */
    private static double[] inferenceParts(Plan plan, INDArray images, int b) {
        List<Step> steps = plan.steps();
        double[] ms = new double[steps.size() + 2];
        long n = images.size(0);
        INDArray batch = null;
        for (long from = 0; from < n; from += b) {
            long t0 = System.nanoTime();
            INDArray view = images.get(NDArrayIndex.interval(from, Math.min(n, from + b)));
            batch = Buffers.reuse(batch, view.dataType(), view.shape()).assign(view);            // as classify copies it
            INDArray a = plan.network().input(batch);
            long t1 = System.nanoTime();
            ms[0] += (t1 - t0) / 1e6;
            for (int i = 0; i < steps.size(); i++) {
                a = steps.get(i).forward(a, false);
                long t2 = System.nanoTime();
                ms[i + 1] += (t2 - t1) / 1e6;
                t1 = t2;
            }
            Model.classesOf(a);
            ms[steps.size() + 1] += (System.nanoTime() - t1) / 1e6;
        }
        for (int i = 0; i < ms.length; i++) {
            ms[i] *= 100.0 / n;
        }
        return ms;
    }

    /** A GEMM bound's figures under {@code prefix}: FLOP per step, time alone (each library's too) and rate. */
    private static void putBound(Map<String, Object> result, String prefix, CpuRuntime.GemmBound bound) {
        result.put(prefix + "_gflop_per_step", bound.flop() / 1e9);
        result.put(prefix + "_only_step_ms", bound.ms());
        result.put(prefix + "_only_library", bound.library());
        result.put(prefix + "_only_openblas_ms", bound.openBlasMs());
        if (!Double.isNaN(bound.oneDnnMs())) {
            result.put(prefix + "_only_onednn_ms", bound.oneDnnMs());
        }
        result.put(prefix + "_gflops", bound.flop() / 1e9 / (bound.ms() / 1000));
    }

    private void writeJson(Map<String, Object> result) throws java.io.IOException {
        if (json != null) {
            String text = Json.write(result);
            AtomicFiles.write(json, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
            System.out.println("wrote " + json);
        }
    }

    private Dataset mnistOrRandom(int batchSize) {
        try {
            if (io.github.scratchnet.trainer.MnistFiles.missing(common.dataDir()).isEmpty()) {
                return Dataset.readSplit(common.dataDir(), true).head(Math.max(batchSize, 1000));
            }
        } catch (java.io.IOException e) {
            System.err.println("scratchnet: MNIST unreadable (" + e.getMessage() + "), using random images");
        }
        return null;
    }

    private int threads() {
        return common.threads != null ? common.threads : Runtime.getRuntime().availableProcessors();
    }

    /** The CPU's model name from /proc/cpuinfo, or "unknown". */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
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
        System.out.printf(Locale.ROOT, "%s, %s engine, %s, batch %s, %s threads, ND4J native build: %s, data: %s%n",
                r.get("network"), r.get("engine"), r.get("dtype"), r.get("batch_size"), r.get("threads"), r.get("nd4j_native"),
                r.get("data"));
        System.out.println("cpu: " + r.get("cpu"));
        System.out.printf(Locale.ROOT, "training:  %.1f ms/step, %.0f images/s (augment %s)%n", r.get("train_step_ms"),
                r.get("train_images_per_s"), r.get("augment"));
        System.out.printf(Locale.ROOT, "arithmetic: %.2f G multiplications/step (%s), %.0f GFLOP/s over the whole step%n",
                ((Number) r.get("multiplications_per_step")).doubleValue() / 1e9, r.get("multiplications_form"), r.get("step_gflops"));
        System.out.println("GEMMs alone, im2row:   " + bound(r, "gemm") + String.format(Locale.ROOT, ": the step takes %.2fx that",
                r.get("step_vs_gemm_only")));
        System.out.println("GEMMs alone, Winograd: " + bound(r, "reduced_gemm") + String.format(Locale.ROOT,
                ": %.2fx the im2row FLOP (F(2x2,3x3) forward and input gradient of 3x3 stride-1 convolutions)",
                r.get("reduced_vs_im2row_flop")));
        System.out.printf(Locale.ROOT, "inference: %.0f images/s (batch 100), %.0f images/s (batch 1000)%n",
                r.get("inference_images_per_s_batch100"), r.get("inference_images_per_s_batch1000"));
        System.out.printf(Locale.ROOT, "peak RSS:  %.0f MB after the training steps, %.0f MB in all (the GEMM bound and batch-1000 inference use more)%n",
                r.get("peak_rss_training_mb"), r.get("peak_rss_mb"));
        System.out.printf(Locale.ROOT, "training step (batch %s) per step of the plan; inference per 100 images, batch 100 and 1000%n",
                r.get("batch_size"));
        System.out.printf(Locale.ROOT, "%-7s %-76s %8s %8s %8s %8s%n", "layers", "step", "fwd ms", "bwd ms", "inf 100", "inf 1000");
        System.out.printf(Locale.ROOT, "%-7s %-76s %8s %8s %8.2f %8.2f%n", "", "(the batch's copy)", "", "",
                r.get("inference_batch_copy_ms_per_100_batch100"), r.get("inference_batch_copy_ms_per_100_batch1000"));
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("steps")) {
            System.out.printf(Locale.ROOT, "%-7s %-76s %8.2f %8.2f %8.2f %8.2f%n", row.get("layers"), row.get("step"),
                    row.get("forward_ms"), row.get("backward_ms"), row.get("inference_ms_per_100_batch100"),
                    row.get("inference_ms_per_100_batch1000"));
        }
        System.out.printf(Locale.ROOT, "%-7s %-76s %8s %8s %8.2f %8.2f%n", "", "(argmax)", "", "",
                r.get("inference_argmax_ms_per_100_batch100"), r.get("inference_argmax_ms_per_100_batch1000"));
    }

    /** One GEMM bound as a line: FLOP, time, rate and library, each library's time. */
    private static String bound(Map<String, Object> r, String prefix) {
        return String.format(Locale.ROOT, "%.2f GFLOP/step in %.1f ms (%.0f GFLOP/s, %s%s)", r.get(prefix + "_gflop_per_step"),
                r.get(prefix + "_only_step_ms"), r.get(prefix + "_gflops"), r.get(prefix + "_only_library"),
                r.containsKey(prefix + "_only_onednn_ms") ? String.format(Locale.ROOT, "; OpenBLAS %.1f ms, oneDNN %.1f ms",
                        r.get(prefix + "_only_openblas_ms"), r.get(prefix + "_only_onednn_ms")) : "");
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
