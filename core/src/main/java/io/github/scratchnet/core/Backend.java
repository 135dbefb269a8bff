package io.github.scratchnet.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Picks the fastest ND4J native build on the classpath for this CPU, before ND4J loads. On x86-64
 * Linux the build also carries the oneDNN build with AVX2 kernels (whose sgemm measured 2-4x the
 * generic build's on the im2row shapes); it is chosen when the CPU has AVX2 and FMA, otherwise
 * the generic build loads. Call {@link #configure()} before the first use of ND4J: the CLI does it
 * in main, the tests through a launcher listener; library users may call it themselves.
 */
public final class Backend {
    /** JavaCPP's property naming the variant of the native libraries to load. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final String AVX2 = "-onednn-avx2";

    private Backend() {
    }

    /**
     * Sets the native variant unless the user already chose one; returns the variant in force ("" for generic).
     * Also asks OpenMP to let idle threads sleep at once (see {@link #passiveOpenMp()}).
     */
    public static synchronized String configure() {
        passiveOpenMp();
        String chosen = System.getProperty(EXTENSION_PROPERTY);
        if (chosen != null) {
            return chosen;
        }
        String resource = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + AVX2 + "/";
        boolean onClasspath = Backend.class.getClassLoader().getResource(resource) != null;
        if (onClasspath && cpuHas("avx2", "fma")) {
            System.setProperty(EXTENSION_PROPERTY, AVX2);
            return AVX2;
        }
        return "";
    }

    /**
     * Sets OMP_WAIT_POLICY=PASSIVE in this process's environment (unless the user set it) before
     * the native libraries load. By default OpenMP's threads spin for a while after each ND4J op,
     * and on a machine with few cores they then steal the cores from the convolution's worker
     * threads: the bench measured a training step 27% shorter with passive waiting. OpenMP reads
     * the variable once, when it loads, so this works only before ND4J's first use.
     */
    static void passiveOpenMp() {
        if (System.getenv("OMP_WAIT_POLICY") != null) {
            return;
        }
        try {
            com.sun.jna.platform.unix.LibC.INSTANCE.setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        } catch (LinkageError | RuntimeException e) {
            // not a POSIX C library (Windows): OpenMP keeps its default
        }
    }

    /**
     * Whether ND4J runs on its CPU backend, where arrays live in host memory: the fast kernels
     * ({@link SampleConv}, {@link MaxPool}) read and write it directly and serve only there.
     */
    public static boolean onCpu() {
        return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu");
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
