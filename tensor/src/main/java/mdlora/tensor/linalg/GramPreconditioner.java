package mdlora.tensor.linalg;

import java.util.Arrays;
import mdlora.tensor.Parallel;

/**
 * Turns a square B into C = B V0, V0 the eigenvectors of B^T B, so that one-sided Jacobi starts
 * from columns that are already orthogonal to about eps cond(B)^2 and converges in one or two
 * sweeps instead of a dozen. V0 only steers Jacobi: it is exactly orthogonal (Householder
 * reflectors and plane rotations), so C has B's singular values, and Jacobi on C stays the step
 * that fixes the accuracy.
 *
 * <p>The eigenvectors come from a tridiagonal reduction and implicit QL, with V0 never formed:
 * C = (B Q) Z applies Q's block reflectors to B's columns as matrix products ({@link DoubleGemm}),
 * each as soon as the reduction has made it, and QL's rotations to the columns of B Q.
 */
final class GramPreconditioner {
    /**
     * Condition numbers up to which C is formed: C's rounding changes B by about eps ||B||, which
     * leaves float singular values unchanged while s_min >= s_max / MAX_CONDITION. Beyond it (and
     * for rank-deficient matrices) plain Jacobi on B keeps the relative accuracy it gives graded
     * matrices.
     */
    private static final double MAX_CONDITION = 1e5;
    /**
     * QL's relative split: dropping e_m <= SPLIT sqrt(d_m d_m+1) leaves cosines of about SPLIT
     * between C's columns, which one Jacobi sweep removes as well as the rounding's, and spares
     * about a tenth of QL's rotations.
     */
    private static final double SPLIT = 1e-10;

    private GramPreconditioner() {}

    /** C = B V0 as columns, for B given as n columns of length n; null when B is too ill-conditioned. */
    static double[][] rotate(double[][] b) {
        double[][] g = gram(b);
        var tridiagonal = new Tridiagonalization(g);
        double[][] c = Arrays.stream(b).map(double[]::clone).toArray(double[][]::new);
        // Two tasks per panel: the reduction of panel p beside C := C P_{p-1} (the reduction's
        // steps are too short to split over threads, and C Q needs only the panels done), then
        // QL's serial recurrence beside the last panel's product. B Q is wasted when QL finds B too
        // ill-conditioned, but plain Jacobi costs ten times more in that case anyway.
        int panels = tridiagonal.panels();
        var reflectors = new HouseholderQr.BlockReflector[panels];
        var solved = new TridiagonalQl[1];
        for (int p = 0; p <= panels; p++) {
            final int panel = p;
            Parallel.forEach(2, task -> {
                if (task == 1) {
                    if (panel > 0) Tridiagonalization.applyFromRight(reflectors[panel - 1], c);
                } else if (panel < panels) reflectors[panel] = tridiagonal.reducePanel();
                else solved[0] = TridiagonalQl.solve(tridiagonal.diagonal(), tridiagonal.offDiagonal(), SPLIT);
            });
        }
        var ql = solved[0];
        if (ql == null || !wellConditioned(ql.eigenvalues())) return null;
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
     * The lower triangle of B^T B scaled to unit largest diagonal (which keeps QL's squares far from
     * overflow): all that the tridiagonal reduction reads.
     */
    private static double[][] gram(double[][] b) {
        int n = b.length;
        double scale = 0;
        for (double[] column : b) scale = Math.max(scale, Level1.dot(column, column, 0, n));
        double[][] g = new double[n][n];
        // B held as columns is B^T held as rows.
        DoubleGemm.multiplyLower(n, n, scale > 0 ? 1 / scale : 1, DoubleGemm.Operand.rows(b), DoubleGemm.Operand.columns(b), false, g, 0);
        return g;
    }
}
