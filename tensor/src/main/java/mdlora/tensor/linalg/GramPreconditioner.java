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
     * B^T B scaled to unit largest diagonal (which keeps QL's squares far from overflow). Rows i and
     * n-1-i go to the same task, so the triangle's work splits evenly.
     */
    private static double[][] gram(double[][] b) {
        int n = b.length;
        double scale = 0;
        for (double[] column : b) scale = Math.max(scale, Level1.dot(column, column, 0, n));
        double inverse = scale > 0 ? 1 / scale : 1;
        double[][] g = new double[n][n];
        Parallel.range((n + 1) / 2, 4, (s, t) -> {
            double[] dots = new double[4];
            for (int pair = s; pair < t; pair++) {
                row(b, g, pair, inverse, dots);
                if (n - 1 - pair != pair) row(b, g, n - 1 - pair, inverse, dots);
            }
        });
        return g;
    }

    /** g[i][j] = g[j][i] = b_i . b_j for j >= i. */
    private static void row(double[][] b, double[][] g, int i, double scale, double[] dots) {
        int n = b.length, j = i;
        for (; j + 4 <= n; j += 4) {
            Level1.dot4(b[i], b[j], b[j + 1], b[j + 2], b[j + 3], 0, n, dots, 0);
            for (int r = 0; r < 4; r++) g[i][j + r] = g[j + r][i] = dots[r] * scale;
        }
        for (; j < n; j++) g[i][j] = g[j][i] = Level1.dot(b[i], b[j], 0, n) * scale;
    }

    private static double[][] transpose(double[][] x) {
        int n = x.length, m = x[0].length;
        double[][] t = new double[m][n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) t[i][j] = x[j][i];
        return t;
    }
}
