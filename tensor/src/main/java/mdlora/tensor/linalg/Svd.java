package mdlora.tensor.linalg;

import java.util.Arrays;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * Thin singular value decomposition A = U diag(S) Vt of an m x n matrix, k = min(m, n): U [m, k] and
 * Vt [k, n] with orthonormal columns and rows, S [k] non-negative and descending.
 *
 * <p>Computed in double precision by one-sided Jacobi ({@link OneSidedJacobi}), accurate far beyond
 * float rounding, small singular values included. A tall matrix is first reduced by Householder QR
 * (A = Q R, Jacobi on the n x n R^T), a wide one is decomposed as its transpose. Jacobi starts
 * from the eigenvectors of B^T B ({@link GramPreconditioner}) when B is well conditioned, which
 * leaves it one or two sweeps instead of about a dozen. Singular vectors
 * of zero singular values are completed to orthonormal sets. The result does not depend on the
 * thread count.
 *
 * @param u  left singular vectors [m, k]
 * @param s  singular values [k], descending
 * @param vt right singular vectors as rows [k, n]
 */
public record Svd(Tensor u, Tensor s, Tensor vt) {
    /**
     * Jacobi stops when every pair of columns has |cos angle| below this: far below float rounding,
     * so the float factors are orthonormal to rounding, and the singular vectors recovered from a
     * product ({@link #otherFactor}) stay accurate for condition numbers up to {@link #RECOVERABLE}.
     */
    private static final double TOLERANCE = 1e-13;
    /** Recovered singular vectors of s_j below s_1 / RECOVERABLE are re-orthogonalised: the product loses them. */
    private static final double RECOVERABLE = 1e5;
    /**
     * Sizes from which Jacobi starts from B V0, V0 the eigenvectors of B^T B ({@link GramPreconditioner}):
     * an O(n^3) eigensolver that spares about ten O(n^3) sweeps; below it the sweeps are cheaper.
     */
    private static final int PRECONDITIONED = 32;

    /**
     * Decomposes a matrix [m, n] (any strides); fails on NaN or infinite entries.
     *
     * @param a the matrix, of shape [m, n]
     * @return its thin decomposition
     */
    public static Svd of(Tensor a) {
        if (a.rank() != 2) throw new IllegalArgumentException("SVD needs a matrix, got shape " + Shape.str(a.shape()));
        if (a.hasNonFinite()) throw new IllegalArgumentException("SVD of a matrix with NaN or infinite entries " + Shape.str(a.shape()));
        int m = a.size(0), n = a.size(1);
        if (m < n) {
            Svd t = of(a.mT());
            return new Svd(t.vt.mT().contiguous(), t.s, t.u.mT().contiguous());
        }
        if (n == 0) return new Svd(Tensor.zeros(m, 0), Tensor.zeros(0), Tensor.zeros(0, n));
        return tall(columns(a), m, n);
    }

    /**
     * m >= n >= 1. Square: Jacobi on B = A gives B = P S W^T, so U = P and V = W. Tall: A = Q R, and
     * Jacobi on B = R^T (it needs fewer sweeps than R, as Drmac and Veselic observed) gives
     * A = Q B^T = (Q W) S P^T, so V = P and U = Q W = A P S^-1.
     */
    private static Svd tall(double[][] columns, int m, int n) {
        double[][] b = m > n ? HouseholderQr.rowsOfR(Arrays.stream(columns).map(double[]::clone).toArray(double[][]::new)) : columns;
        // Jacobi turns B V0 (or a copy of B) into P S, columns sorted by decreasing norm: the norms
        // are S, and B = P S (V0 W)^T for Jacobi's unknown rotations W, recovered below from B^T P.
        double[][] p = n >= PRECONDITIONED ? GramPreconditioner.rotate(b) : null;
        if (p == null) p = Arrays.stream(b).map(double[]::clone).toArray(double[][]::new);
        OneSidedJacobi.orthogonalize(p, TOLERANCE);
        double[] s = new double[n];
        int nonzero = 0;
        for (int j = 0; j < n; j++) {
            s[j] = Math.sqrt(Level1.dot(p[j], p[j], 0, n));
            if (s[j] > 0) {
                Level1.scale(1 / s[j], p[j], 0, n);
                nonzero++;
            }
        }
        GramSchmidt.orthonormalizeFrom(p, nonzero);
        // B held as columns is B^T held as rows.
        return m > n
                ? new Svd(matrix(otherFactor(DoubleGemm.Operand.columns(columns), m, p, s), m, n, true), floats(s), matrix(p, n, n, false))
                : new Svd(matrix(p, m, n, true), floats(s), matrix(otherFactor(DoubleGemm.Operand.rows(b), n, p, s), n, n, false));
    }

    /**
     * The other factor X P S^-1 for X = B^T (W of B = P S W^T, from B^T P = W S) or X = A (U of a
     * tall A, from A P = U S: one product instead of applying Q to W), as columns of length
     * {@code rows}. Column j is accurate to about TOLERANCE * s_1 / s_j, so columns whose singular
     * value is too small for that are re-orthogonalised (or, for zero ones, completed).
     */
    private static double[][] otherFactor(DoubleGemm.Operand x, int rows, double[][] p, double[] s) {
        int n = p.length;
        double[][] w = new double[n][rows];
        DoubleGemm.multiply(rows, n, n, 1, x, DoubleGemm.Operand.columns(p), false, w, 0, 0);
        for (int j = 0; j < n; j++) Level1.scale(s[j] > 0 ? 1 / s[j] : 0, w[j], 0, rows);
        int accurate = 0;
        while (accurate < n && s[accurate] * RECOVERABLE >= s[0] && s[accurate] > 0) accurate++;
        GramSchmidt.orthonormalizeFrom(w, accurate);
        return w;
    }

    /**
     * The smallest k whose leading singular values hold at least the fraction {@code tau} of the
     * energy: {@code sum_{j<=k} s_j^2 >= tau * sum_j s_j^2} (Takama et al. use tau = 0.95 to split the
     * column space from the null space). 0 when all singular values are zero.
     *
     * @param s   singular values, descending, as {@link #s()} returns them
     * @param tau energy fraction in (0, 1]
     * @return k, from 0 (all zero) to the number of singular values
     */
    public static int effectiveRank(Tensor s, double tau) {
        if (s.rank() != 1) throw new IllegalArgumentException("singular values must be a vector, got shape " + Shape.str(s.shape()));
        if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("tau must be in (0, 1], got " + tau);
        float[] values = s.toArray();
        double[] cumulative = new double[values.length];
        double sum = 0;
        for (int j = 0; j < values.length; j++) {
            float v = values[j];
            if (!(v >= 0) || Float.isInfinite(v)) throw new IllegalArgumentException("singular values must be finite and non-negative, got " + v + " at " + j);
            if (j > 0 && v > values[j - 1]) throw new IllegalArgumentException("singular values must be descending, got " + values[j - 1] + " then " + v + " at " + j);
            sum += (double) v * v;
            cumulative[j] = sum;
        }
        if (sum == 0) return 0;
        for (int j = 0; j < values.length - 1; j++) if (cumulative[j] >= tau * sum) return j + 1;
        // The last cumulative sum is the total itself, which holds any tau <= 1 (exactly, for tau = 1).
        return values.length;
    }

    private static double[][] columns(Tensor a) {
        int m = a.size(0), n = a.size(1);
        float[] data = a.storage();
        int off = a.offset(), rs = a.stride(0), cs = a.stride(1);
        double[][] c = new double[n][m];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) c[j][i] = data[off + i * rs + j * cs];
        return c;
    }

    /** Columns of length {@code rows} as a [rows, count] matrix, or as its transpose [count, rows]. */
    private static Tensor matrix(double[][] columns, int rows, int count, boolean asColumns) {
        float[] out = new float[rows * count];
        for (int j = 0; j < count; j++)
            for (int i = 0; i < rows; i++) out[asColumns ? i * count + j : j * rows + i] = (float) columns[j][i];
        return asColumns ? Tensor.of(out, rows, count) : Tensor.of(out, count, rows);
    }

    private static Tensor floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) values[i];
        return Tensor.of(out, out.length);
    }
}
