package io.github.scratchnet.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NumPy's {@code .npz}: a zip holding one {@code KEY.npy} per array, as {@code numpy.savez} and
 * {@code numpy.savez_compressed} write it. scratchnet's native params format.
 */
public final class Npz {
    private Npz() {
    }

    /** The arrays of an {@code .npz} file, in the order the zip lists them, keyed without ".npy". */
    public static Map<String, INDArray> read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * As {@link #read(Path)}, where {@code expected} (when not null) gives the keys and shapes a
     * network holds: each entry's header is checked against them, and its size against what the
     * zip declares, before its data is inflated, so a file of other arrays (or a zip bomb) costs
     * no more memory than the network's own params.
     */
    public static Map<String, INDArray> read(Path file, Map<String, long[]> expected) throws IOException {
        ParamFiles.requireReadable(file);
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                if (expected != null && !expected.containsKey(key)) {
                    throw new FileFormatException(file.toString(), "holds '" + key + "', which is not a parameter of the "
                            + "network (it has " + String.join(", ", expected.keySet()) + ")");
                }
                try (InputStream in = zip.getInputStream(e)) {
                    arrays.put(key, Npy.read(in, file + "[" + name + "]", Npy.MAX_ARRAY_BYTES,
                            expected == null ? null : expected.get(key), e.getSize()));
                }
            }
        } catch (FileFormatException e) {
            throw e;
        } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
            throw new FileFormatException(file.toString(), "not a valid .npz (zip) file: " + e.getMessage(), e);
        }
        if (arrays.isEmpty()) {
            throw new FileFormatException(file.toString(), "the .npz file holds no arrays");
        }
        return arrays;
    }

    /** Writes {@code arrays} as an {@code .npz} (deflated) that {@code numpy.load} reads; atomically. */
    public static void write(Path file, Map<String, INDArray> arrays) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(Npy.write(e.getValue()));
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
