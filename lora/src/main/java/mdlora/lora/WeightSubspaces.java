package mdlora.lora;

import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import mdlora.tensor.Tensor;
import mdlora.tensor.linalg.Svd;

/**
 * The split of the output space R^d of a weight W [d, d'] that Takama et al. constrains LoRAs to. With the thin
 * SVD W = U S V^T and k the smallest index whose cumulative energy C_k reaches tau: the column space
 * U_m = U[:, :k] and the left null space, either the paper's truncated one U_n = U[:, k:min(d, d')] or the
 * full one, the complement of U_m.
 *
 * <p>A backbone's subspaces are computed once per process: results are cached by the weight's content (a
 * SHA-256 fingerprint of its shape and values), tau and the null-space choice, so attaching LoRAs to the same
 * frozen backbone again (a second run, an evaluation, a resumed job) does no SVD. The cache holds its entries
 * softly: the collector may drop them under memory pressure, and they are then recomputed.
 *
 * @param k the dimension of the column space
 * @param column span(U_m), where the shared LoRA lives
 * @param nullSpace the left null space, where the domain LoRAs live
 */
public record WeightSubspaces(int k, Subspace column, Subspace nullSpace) {
    private record Key(String fingerprint, double tau, boolean fullNullSpace) {}

    private static final Map<Key, SoftReference<WeightSubspaces>> CACHE = new ConcurrentHashMap<>();
    private static final LongAdder DECOMPOSITIONS = new LongAdder();

    /**
     * Splits the space of {@code weight} (the layer at {@code path}, for messages) at {@code tau}, or returns
     * the split already made for a weight of the same shape and values.
     *
     * @param path the layer's dotted path
     * @param weight W [d, d']
     * @param tau cumulative energy that fixes k, in (0, 1]
     * @param fullNullSpace take the null space as the complement of U_m rather than U[:, k:min(d, d')]
     * @return k, span(U_m) and the left null space
     */
    public static WeightSubspaces of(String path, Tensor weight, double tau, boolean fullNullSpace) {
        Key key = new Key(fingerprint(weight), tau, fullNullSpace);
        SoftReference<WeightSubspaces> cached = CACHE.get(key);
        WeightSubspaces hit = cached == null ? null : cached.get();
        if (hit != null) return hit;
        WeightSubspaces computed = compute(path, weight, tau, fullNullSpace);
        CACHE.put(key, new SoftReference<>(computed));
        return computed;
    }

    /** How many SVDs {@link #of} has computed in this process (cache misses), for tests and diagnostics. */
    static long decompositions() {
        return DECOMPOSITIONS.sum();
    }

    private static WeightSubspaces compute(String path, Tensor weight, double tau, boolean fullNullSpace) {
        DECOMPOSITIONS.increment();
        Svd svd = Svd.of(weight);
        int d = weight.size(0), rank = svd.s().size(0);
        int k = Svd.effectiveRank(svd.s(), tau);
        if (k == 0) throw new IllegalArgumentException(path + ": the weight is zero, so it has no column space to split off");
        Tensor u = svd.u();
        Subspace column = Subspace.spannedBy(u.slice(1, 0, k));
        // When d <= d' the thin U is square: span(U_n) is exactly the complement of U_m, projected with U_m alone.
        Subspace nullSpace = fullNullSpace || d == rank ? Subspace.complementOf(u.slice(1, 0, k)) : Subspace.spannedBy(u.slice(1, k, rank));
        if (nullSpace.dimension() == 0)
            throw new IllegalArgumentException(path + ": at tau " + tau + " the column space takes all " + d + " dimensions and leaves no "
                    + "left null space for the domain LoRAs; lower tau or use the full left null space");
        return new WeightSubspaces(k, column, nullSpace);
    }

    /** SHA-256 of the shape and the float bits in row-major order (any strides): equal exactly when the matrices are. */
    private static String fingerprint(Tensor weight) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
        int[] shape = weight.shape();
        ByteBuffer buf = ByteBuffer.allocate(4 * Math.max(shape.length, 4096)).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : shape) buf.putInt(s);
        sha.update(buf.flip());
        float[] values = weight.contiguous().toArray();
        for (int i = 0; i < values.length; i += 4096) {
            buf.clear();
            for (int j = i; j < Math.min(values.length, i + 4096); j++) buf.putInt(Float.floatToRawIntBits(values[j]));
            sha.update(buf.flip());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
