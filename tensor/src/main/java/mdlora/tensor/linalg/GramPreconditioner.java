package mdlora.tensor.linalg;

import mdlora.tensor.Parallel;

/**
 * Turns a square B into C = B V0, V0 the eigenvectors of B^T B, so that one-sided Jacobi starts
 * from columns that are already orthogonal to about eps cond(B)^2 and converges in one or two
 * sweeps instead of a dozen. V0 only steers Jacobi: it is exactly orthogonal (Householder
 * reflectors and plane rotations), so C has B's singular values, and Jacobi on C stays the step
 * that fixes the accuracy.
 *
 * <p>The eigenvectors come from a tridiagonal reduction and implicit QL, with V0 never formed:
 * C = (B Q) Z applies Q's reflectors to B's rows and QL's rotations to its columns.
 */
final class GramPreconditioner {
    /**
     * Condition numbers up to which C is formed: C's rounding changes B by about eps ||B||, which
     * leaves float singular values unchanged while s_min >= s_max / MAX_CONDITION. Beyond it (and
     * for rank-deficient matrices) plain Jacobi on B keeps the relative accuracy it gives graded
     * matrices.
     */
    private static final double MAX_CONDITION = 1e5;

    private GramPreconditioner() {}

    /** C = B V0 as columns, for B given as n columns of length n; null when B is too ill-conditioned. */
    static double[][] rotate(double[][] b) {
        int n = b.length;
        double[][] g = gram(b);
        var tridiagonal = Tridiagonalization.reduce(g);
        var ql = TridiagonalQl.solve(tridiagonal.diagonal(), tridiagonal.offDiagonal());
        if (ql == null || !wellConditioned(ql.eigenvalues())) return null;
        double[][] rows = transpose(b);
        tridiagonal.applyQTransposed(rows); // the rows of B Q
        double[][] c = transpose(rows);
        ql.rotate(c);
        return c;
    }

    /** The eigenvalues of B^T B are s_j^2, to within eps s_max^2. */
    private static boolean wellConditioned(double[] eigenvalues) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (double l : eigenvalues) {
            min = Math.min(min, l);
            max = Math.max(max, l);
        }
        return max > 0 && min >= max / (MAX_CONDITION * MAX_CONDITION);
    }

    /**
     * B^T B scaled to unit largest diagonal (which keeps QL's squares far from overflow), two rows
     * of it at a time; row pairs (i, i+1) and (n-2-i, n-1-i) go to the same task, so the triangle's
     * work splits evenly.
     */
    private static double[][] gram(double[][] b) {
        int n = b.length, pairs = n / 2;
        double scale = 0;
        for (double[] column : b) scale = Math.max(scale, Level1.dot(column, column, 0, n));
        double inverse = scale > 0 ? 1 / scale : 1;
        double[][] g = new double[n][n];
        Parallel.range((pairs + 1) / 2, 2, (s, t) -> {
            double[] dots = new double[8];
            for (int q = s; q < t; q++) {
                rows(b, g, 2 * q, inverse, dots);
                if (pairs - 1 - q != q) rows(b, g, 2 * (pairs - 1 - q), inverse, dots);
            }
        });
        if ((n & 1) == 1) rows(b, g, n - 1, inverse, new double[8]);
        return g;
    }

    /** g[i][j] = g[j][i] = b_i . b_j for j >= i, for i and (if below n) i + 1. */
    private static void rows(double[][] b, double[][] g, int i, double scale, double[] dots) {
        int n = b.length, j = i;
        if (i + 1 < n)
            for (; j + 4 <= n; j += 4) {
                Level1.dot2x4(b[i], b[i + 1], b[j], b[j + 1], b[j + 2], b[j + 3], 0, n, dots, 0);
                for (int r = 0; r < 4; r++) {
                    g[i][j + r] = g[j + r][i] = dots[r] * scale;
                    g[i + 1][j + r] = g[j + r][i + 1] = dots[4 + r] * scale;
                }
            }
        for (; j < n; j++)
            for (int a = i; a < Math.min(n, i + 2); a++) g[a][j] = g[j][a] = Level1.dot(b[a], b[j], 0, n) * scale;
    }

    private static double[][] transpose(double[][] x) {
        int n = x.length, m = x[0].length;
        double[][] t = new double[m][n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) t[i][j] = x[j][i];
        return t;
    }
}
