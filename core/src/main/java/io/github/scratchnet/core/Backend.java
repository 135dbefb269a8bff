package io.github.scratchnet.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * ND4J's set-up, which every path needs (the book's layers compute on ND4J too), done before ND4J
 * loads: the fastest native build on the classpath for this CPU (on x86-64 Linux the oneDNN build
 * with AVX2 kernels where the CPU has AVX2 and FMA, else the generic one), and OpenMP's idle
 * threads set to sleep. {@link #configure()} has to run before the first use of ND4J: the CLI
 * calls it in main, the tests through a launcher listener, and the classes a program starts from
 * ({@link DType}, which every network needs; {@code ParamFiles}; the trainer's {@code Dataset})
 * call it when they load. A program that uses ND4J before any of those gets a warning on
 * standard error (once) saying what it costs and how to avoid it.
 */
public final class Backend {
    /** JavaCPP's property naming the variant of the native libraries to load. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final String AVX2 = "-onednn-avx2";

    private Backend() {
    }

    /** The variant in force once decided ("" for generic); null before the first call, so the rest runs once. */
    private static String variant;

    /**
     * Sets the native variant unless the user already chose one; returns the variant in force ("" for generic).
     * Also asks OpenMP to let idle threads sleep at once (see {@link #passiveOpenMp(boolean)}). Cheap
     * after the first call.
     */
    public static synchronized String configure() {
        if (variant != null) {
            return variant;
        }
        passiveOpenMp(nativeAlreadyLoaded());
        String chosen = System.getProperty(EXTENSION_PROPERTY);
        if (chosen == null) {
            String resource = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + AVX2 + "/";
            boolean onClasspath = Backend.class.getClassLoader().getResource(resource) != null;
            chosen = onClasspath && cpuHas("avx2", "fma") ? AVX2 : "";
            if (!chosen.isEmpty()) {
                System.setProperty(EXTENSION_PROPERTY, chosen);
            }
        }
        variant = chosen;
        return variant;
    }

    /**
     * Sets OMP_WAIT_POLICY=PASSIVE in this process's environment (unless the user set it) before
     * the native libraries load: by default OpenMP's threads spin for a while after each ND4J op,
     * and on a machine with few cores they take the cores from the fast kernels' worker threads.
     * OpenMP reads the variable once, when it loads, so where ND4J's native library is already
     * loaded this is too late: it then warns instead, once.
     */
    static void passiveOpenMp(boolean tooLate) {
        if (System.getenv("OMP_WAIT_POLICY") != null) {
            return;
        }
        if (tooLate) {
            System.err.println(LATE_WARNING);
            return;
        }
        try {
            com.sun.jna.platform.unix.LibC.INSTANCE.setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        } catch (LinkageError | RuntimeException e) {
            // not a POSIX C library (Windows): OpenMP keeps its default
        }
    }

    static final String LATE_WARNING = "scratchnet: ND4J's native library was loaded before scratchnet could"
            + " configure it, so OpenMP's threads spin between ops, which on few cores slows training"
            + " considerably. Call io.github.scratchnet.core.Backend.configure() before the first use of ND4J, or set"
            + " OMP_WAIT_POLICY=PASSIVE in the environment.";

    /** Whether ND4J's CPU library (or the OpenMP runtime it brings) is mapped into this process already (Linux). */
    static boolean nativeAlreadyLoaded() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return false;
        }
        try (var lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.contains("libnd4jcpu") || l.contains("libgomp"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether ND4J runs on its CPU backend, where arrays live in host memory: the fast engine's
     * kernels read and write that memory directly and serve only there.
     */
    public static boolean onCpu() {
        return name().startsWith("Cpu");
    }

    /** The name of ND4J's backend, such as CpuBackend or CudaBackend (loading ND4J, configured first). */
    public static String name() {
        configure();
        return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName();
    }

    private static boolean cpuHas(String... flags) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    String padded = " " + line.substring(line.indexOf(':') + 1).trim() + " ";
                    for (String f : flags) {
                        if (!padded.contains(" " + f + " ")) {
                            return false;
                        }
                    }
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}
