package mdlora.lora;

import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/** Random orthogonal matrices, drawn as {@code torch.nn.init.orthogonal_} does: Q of the QR of a Gaussian matrix. */
final class Orthogonal {
    private Orthogonal() {}

    /**
     * An n x n orthogonal matrix, Haar-distributed: Gram-Schmidt (in double, twice for stability) on the
     * columns of a Gaussian matrix, which is QR with R's diagonal positive, the sign convention that makes
     * Q uniform.
     */
    static Tensor random(int n, Rng rng) {
        double[][] q = new double[n][n]; // q[j] is column j
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) q[j][i] = rng.nextGaussian();
        for (int j = 0; j < n; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += q[p][i] * q[j][i];
                    for (int i = 0; i < n; i++) q[j][i] -= dot * q[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += q[j][i] * q[j][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) q[j][i] /= norm;
        }
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) out[i * n + j] = (float) q[j][i];
        return Tensor.of(out, n, n);
    }
}
