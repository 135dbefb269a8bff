package io.github.scratchnet.trainer;

import io.github.scratchnet.core.io.AtomicFiles;
import io.github.scratchnet.core.io.FileFormatException;
import io.github.scratchnet.core.io.Npy;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.core.io.Streams;
import io.github.scratchnet.engine.Engine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training checkpoint: one zip holding {@code checkpoint.properties} (format version, network,
 * training settings, epoch, optimizer step count, generator states), {@code params/KEY.npy}
 * (params and batch-norm state), {@code optimizer/SLOT/KEY.npy} (optimizer state) and the history
 * CSVs. Written to a temporary file and renamed, so a crash never leaves half a checkpoint.
 * {@code numpy.load} opens it too (as an .npz).
 */
public final class Checkpoint {
    public static final String FORMAT = "scratchnet-checkpoint 1";
    private static final String META = "checkpoint.properties";
    /** The most a checkpoint's settings or history may hold: a million epochs' worth of losses and more. */
    private static final long MAX_TEXT_BYTES = 64L << 20;

    private Checkpoint() {
    }

    public static void save(Path file, TrainingRun t) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        t.spec.store(p);
        t.config.store(p);
        p.setProperty("engine", t.engine.name().toLowerCase(Locale.ROOT));
        p.setProperty("epochs_done", Integer.toString(t.epochsDone));
        p.setProperty("optimizer_steps", Long.toString(t.optimizer.steps()));
        p.setProperty("data_rng", Long.toString(t.dataRng.state()));
        p.setProperty("net_rng", Long.toString(t.net.init().rng().state()));
        t.storeSettings(p);
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.setLevel(Deflater.BEST_SPEED);      // float arrays barely compress: the default level takes twice the time for 1% less
            ByteArrayOutputStream meta = new ByteArrayOutputStream();
            p.store(meta, FORMAT);
            entry(zip, META, meta.toByteArray());
            for (Map.Entry<String, INDArray> e : t.net.saved().asMap().entrySet()) {
                entry(zip, "params/" + e.getKey() + ".npy", Npy.write(e.getValue()));
            }
            for (Map.Entry<String, INDArray> e : t.optimizer.saveState().entrySet()) {
                entry(zip, "optimizer/" + e.getKey() + ".npy", Npy.write(e.getValue()));
            }
            entry(zip, "history/epochs.csv", t.history.epochsCsv().getBytes(StandardCharsets.UTF_8));
            entry(zip, "history/losses.csv", t.history.lossesCsv().getBytes(StandardCharsets.UTF_8));
            zip.finish();
        });
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** What a checkpoint holds. */
    public record Contents(Properties meta, Map<String, INDArray> params, Map<String, INDArray> optimizerState,
                           String epochsCsv, String lossesCsv) {
        public NetworkSpec spec() {
            return NetworkSpec.load(meta);
        }

        /** The engine the run trained on; the standard one for checkpoints that do not say. */
        public Engine engine() {
            String e = meta.getProperty("engine");
            return e == null ? Engine.standard() : Engine.valueOf(e.toUpperCase(Locale.ROOT));
        }
    }

    public static Contents read(Path file) throws IOException {
        ParamFiles.requireReadable(file);
        String name = file.toString();
        Properties meta = null;
        Map<String, INDArray> params = new LinkedHashMap<>();
        Map<String, INDArray> opt = new LinkedHashMap<>();
        String epochs = null;
        String losses = null;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String n = e.getName();
                try (InputStream in = zip.getInputStream(e)) {
                    if (n.startsWith("params/") && n.endsWith(".npy")) {
                        params.put(n.substring(7, n.length() - 4), Npy.read(in, name + "[" + n + "]", Npy.MAX_ARRAY_BYTES, null, e.getSize()));
                    } else if (n.startsWith("optimizer/") && n.endsWith(".npy")) {
                        opt.put(n.substring(10, n.length() - 4), Npy.read(in, name + "[" + n + "]", Npy.MAX_ARRAY_BYTES, null, e.getSize()));
                    } else {
                        String text = new String(Streams.readAtMost(in, MAX_TEXT_BYTES, name + "[" + n + "]", "the entry"),
                                n.equals(META) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                        if (n.equals(META)) {
                            meta = new Properties();
                            meta.load(new StringReader(text));
                        } else if (n.equals("history/epochs.csv")) {
                            epochs = text;
                        } else if (n.equals("history/losses.csv")) {
                            losses = text;
                        }
                    }
                }
            }
        } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
            throw new FileFormatException(name, "not a valid checkpoint (zip) file: " + e.getMessage(), e);
        }
        if (meta == null || !FORMAT.equals(meta.getProperty("format"))) {
            throw new FileFormatException(name, "not a scratchnet checkpoint: expected " + META + " with format '" + FORMAT
                    + "'" + (meta == null ? ", found none" : ", found '" + meta.getProperty("format") + "'"));
        }
        if (epochs == null || losses == null) {
            throw new FileFormatException(name, "corrupt checkpoint: the training history is missing");
        }
        try {
            NetworkSpec.load(meta);
            TrainConfig.load(meta);
            new Contents(meta, params, opt, epochs, losses).engine();
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(name, "corrupt checkpoint settings: " + e.getMessage());
        }
        return new Contents(meta, params, opt, epochs, losses);
    }

    /**
     * A trainer in the state the checkpoint recorded, to continue with {@link Trainer#run};
     * {@code epochs}, when not null, replaces the total number of epochs, and {@code engine}, when
     * not null, the engine the run was on (float32 results then differ in the last bits).
     */
    public static Trainer resume(Path file, Dataset train, Dataset test, Integer epochs, Engine engine) throws IOException {
        Contents c = read(file);
        TrainConfig config = config(c, epochs);
        Trainer t = new Trainer(c.spec(), config, train, test, engine != null ? engine : c.engine());
        restore(c, t, file);
        return t;
    }

    /** The TrainConfig a checkpoint recorded, with {@code epochs} (when not null) as the new total. */
    static TrainConfig config(Contents c, Integer epochs) {
        TrainConfig config = TrainConfig.load(c.meta());
        return epochs != null ? config.withEpochs(epochs) : config;
    }

    /** Puts the state a checkpoint recorded into a run built from its settings. */
    static void restore(Contents c, TrainingRun t, Path file) {
        t.net.load(c.params(), file.toString());
        t.optimizer.loadState(c.optimizerState(), Long.parseLong(c.meta().getProperty("optimizer_steps", "0")));
        t.dataRng.setState(Long.parseLong(c.meta().getProperty("data_rng")));
        t.net.init().rng().setState(Long.parseLong(c.meta().getProperty("net_rng")));
        t.epochsDone = Integer.parseInt(c.meta().getProperty("epochs_done"));
        t.history = History.parse(c.epochsCsv(), c.lossesCsv());
    }
}
