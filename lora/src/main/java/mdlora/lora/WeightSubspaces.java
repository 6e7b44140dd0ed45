package mdlora.lora;

import mdlora.tensor.Tensor;
import mdlora.tensor.linalg.Svd;

/**
 * The split of the output space R^d of a weight W [d, d'] that paper 000 constrains LoRAs to. With the thin
 * SVD W = U S V^T and k the smallest index whose cumulative energy C_k reaches tau: the column space
 * U_m = U[:, :k] and the left null space, either the paper's truncated one U_n = U[:, k:min(d, d')] or the
 * full one, the complement of U_m.
 *
 * @param k the dimension of the column space
 * @param column span(U_m), where the shared LoRA lives
 * @param nullSpace the left null space, where the domain LoRAs live
 */
public record WeightSubspaces(int k, Subspace column, Subspace nullSpace) {

    /** Splits the space of {@code weight} (the layer at {@code path}, for messages) at {@code tau}. */
    public static WeightSubspaces of(String path, Tensor weight, double tau, boolean fullNullSpace) {
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
}
