package io.github.scratchnet.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ordered map name -> array with the book's keys ({@code W1, b1, ..., gamma1, beta1,
 * running_mean1, running_var1}). The arrays are the very ones the layers compute with, so
 * optimizers and loaders change them in place.
 */
public final class Params {
    private final Map<String, INDArray> map = new LinkedHashMap<>();

    /** Adds a new key; a key may be added once. */
    public Params put(String name, INDArray array) {
        if (map.putIfAbsent(name, array) != null) {
            throw new IllegalArgumentException("parameter '" + name + "' is already defined");
        }
        return this;
    }

    public INDArray get(String name) {
        INDArray a = map.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; the keys are " + map.keySet());
        }
        return a;
    }

    public boolean contains(String name) {
        return map.containsKey(name);
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(map.keySet());
    }

    /** A read-only view in key order. */
    public Map<String, INDArray> asMap() {
        return Collections.unmodifiableMap(map);
    }

    public int size() {
        return map.size();
    }

    /** Total number of scalars. */
    public long count() {
        long n = 0;
        for (INDArray a : map.values()) {
            n += a.length();
        }
        return n;
    }

    /** How many of the values are NaN or infinite. */
    public long nonFinite() {
        long n = 0;
        for (INDArray a : map.values()) {
            for (double v : a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble()) {
                n += Double.isFinite(v) ? 0 : 1;
            }
        }
        return n;
    }

    /**
     * Copies {@code loaded} into these arrays in place (casting to their data type). Every key must
     * be present with the same shape, and no other key may be there; the error names the key, the
     * shape expected and the shape found, and nothing is changed unless everything fits.
     */
    public void assign(Map<String, INDArray> loaded, String source) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : map.entrySet()) {
            INDArray found = loaded.get(e.getKey());
            if (found == null) {
                problems.add("missing key '" + e.getKey() + "' (expected shape " + Shapes.str(e.getValue().shape()) + ")");
            } else if (!java.util.Arrays.equals(found.shape(), e.getValue().shape())) {
                problems.add("key '" + e.getKey() + "' has shape " + Shapes.str(found.shape())
                        + ", the network expects " + Shapes.str(e.getValue().shape()));
            }
        }
        for (String k : loaded.keySet()) {
            if (!map.containsKey(k)) {
                problems.add("unexpected key '" + k + "' (the network's keys are " + map.keySet() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new ParamsMismatchException(source + ": params do not fit the network: " + String.join("; ", problems));
        }
        for (Map.Entry<String, INDArray> e : map.entrySet()) {
            e.getValue().assign(loaded.get(e.getKey()).castTo(e.getValue().dataType()));
        }
    }

    /** Independent copies of every array, in key order (for saving or comparing). */
    public Map<String, INDArray> copy() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    /** Params whose shapes or keys do not fit a network. */
    public static final class ParamsMismatchException extends IllegalArgumentException {
        public ParamsMismatchException(String message) {
            super(message);
        }
    }
}
