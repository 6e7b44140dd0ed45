package mdlora.tensor.linalg;

import java.util.Arrays;

/**
 * Completes a set of orthonormal columns: each column after the trusted leading ones is made
 * orthonormal to all before it, and one with (almost) nothing outside their span is replaced by a
 * unit vector that extends the basis. The SVD needs this for the singular vectors of zero or tiny
 * singular values, whose directions the data cannot determine.
 */
final class GramSchmidt {
    /** A column keeping less than this fraction of its norm after projection is taken as dependent. */
    private static final double DEPENDENT = 1e-8;

    private GramSchmidt() {}

    /**
     * Makes columns {@code [from, q.length)} orthonormal to every column before them, given that
     * columns {@code [0, from)} are orthonormal already.
     */
    static void orthonormalizeFrom(double[][] q, int from) {
        for (int j = from; j < q.length; j++) {
            double before = Math.sqrt(Level1.dot(q[j], q[j], 0, q[j].length));
            double after = before == 0 ? 0 : project(q, j, q[j]);
            if (after > DEPENDENT * before) Level1.scale(1 / after, q[j], 0, q[j].length);
            else q[j] = completion(q, j);
        }
    }

    /**
     * Removes from x its components along columns [0, j), twice ("twice is enough": the second pass
     * restores the orthogonality the first loses to cancellation); returns the norm left.
     */
    private static double project(double[][] q, int j, double[] x) {
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < j; i++) Level1.axpy(-Level1.dot(q[i], x, 0, x.length), q[i], x, 0, x.length);
        return Math.sqrt(Level1.dot(x, x, 0, x.length));
    }

    /**
     * A unit vector orthogonal to columns [0, j): the first standard basis vector whose projection
     * keeps at least half the average squared norm (m - j)/m, which some basis vector must exceed.
     */
    private static double[] completion(double[][] q, int j) {
        int m = q[j].length;
        double[] e = new double[m];
        for (int t = 0; t < m; t++) {
            Arrays.fill(e, 0);
            e[t] = 1;
            double norm = project(q, j, e);
            if (norm * norm >= 0.5 * (m - j) / m) {
                Level1.scale(1 / norm, e, 0, m);
                return e;
            }
        }
        throw new IllegalStateException("no basis vector extends " + j + " orthonormal columns of length " + m);
    }
}
