package mdlora.tensor;

import java.util.function.DoubleSupplier;

/**
 * Random shapes, and random tensors in every layout a view can give: contiguous, a slice of a larger
 * tensor, permuted storage, broadcast size-1 axes, and combinations of these. Seeded, so a failing
 * case can be replayed.
 */
final class RandomTensors {
    /** Sizes around the SIMD widths (8 floats with AVX2, 16 with AVX-512) and their odd neighbours. */
    private static final int[] SIZES = {1, 1, 2, 3, 5, 7, 8, 9, 16, 17, 33};

    final Rng rng;

    RandomTensors(long seed) {
        rng = new Rng(seed);
    }

    /** A shape of rank {@code [0, maxRank]} with at most {@code maxNumel} elements. */
    int[] shape(int maxRank, int maxNumel) {
        while (true) {
            int[] s = new int[rng.nextInt(maxRank + 1)];
            for (int i = 0; i < s.length; i++) s[i] = SIZES[rng.nextInt(SIZES.length)];
            if (Shape.numel(s) <= maxNumel) return s;
        }
    }

    /** Standard normal values scaled by {@code scale}. */
    DoubleSupplier normal(double scale) {
        return () -> scale * rng.nextGaussian();
    }

    /** Small integers in {@code [-k, k]}: many ties and equal pairs. */
    DoubleSupplier integers(int k) {
        return () -> rng.nextInt(2 * k + 1) - k;
    }

    /** A tensor of {@code shape} with values from {@code values}, in a random layout. */
    Tensor tensor(int[] shape, DoubleSupplier values) {
        int rank = shape.length;
        int[] stored = shape.clone();
        boolean expand = rng.nextInt(3) == 0;
        for (int i = 0; i < rank && expand; i++) if (rng.nextInt(2) == 0) stored[i] = 1;
        int[] padded = stored.clone(), start = new int[rank];
        if (rng.nextInt(2) == 0) {
            for (int i = 0; i < rank; i++) {
                padded[i] += rng.nextInt(3);
                start[i] = rng.nextInt(padded[i] - stored[i] + 1);
            }
        }
        int[] order = rng.nextInt(2) == 0 ? permutation(rank) : identity(rank);
        int[] storageShape = new int[rank], inverse = new int[rank];
        for (int i = 0; i < rank; i++) {
            storageShape[i] = padded[order[i]];
            inverse[order[i]] = i;
        }
        float[] data = new float[Shape.numel(storageShape)];
        for (int i = 0; i < data.length; i++) data[i] = (float) values.getAsDouble();
        Tensor t = Tensor.of(data, storageShape).permute(inverse);
        for (int i = 0; i < rank; i++) t = t.slice(i, start[i], start[i] + stored[i]);
        return t.expand(shape);
    }

    /** Like {@link #tensor} but never expanded, so every element has its own storage (for in-place writes). */
    Tensor writable(int[] shape, DoubleSupplier values) {
        Tensor t;
        do t = tensor(shape, values); while (hasZeroStride(t));
        return t;
    }

    private static boolean hasZeroStride(Tensor t) {
        for (int i = 0; i < t.rank(); i++) if (t.stride(i) == 0 && t.size(i) > 1) return true;
        return false;
    }

    /** A shape that broadcasts to {@code shape}: leading axes dropped, other axes set to 1, at random. */
    int[] broadcastable(int[] shape) {
        int drop = rng.nextInt(shape.length + 1);
        int[] s = new int[shape.length - drop];
        for (int i = 0; i < s.length; i++) s[i] = rng.nextInt(3) == 0 ? 1 : shape[drop + i];
        return s;
    }

    int[] permutation(int n) {
        int[] p = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }
}
