package mdlora.tensor.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.stream.IntStream;
import mdlora.tensor.Parallel;

/**
 * One-sided (Hestenes) Jacobi: plane rotations applied to pairs of columns of A until all columns are
 * mutually orthogonal, so that A V = U S. The rotations are not accumulated: V would cost as much
 * again as A's columns, and the caller recovers it afterwards from A^T U = V S with one product.
 *
 * <p>Each sweep starts by sorting the columns by decreasing norm (it cuts the sweep count, as de
 * Rijk's pivoting does) and groups them into blocks. It rotates the pairs inside each block, then
 * visits every pair of blocks in the rounds of a round-robin tournament. The block pairs of one
 * round share no column, so they run in parallel, each on data that fits in a core's L2 cache; the
 * order of rotations is fixed by the data alone, so the result does not depend on the thread count.
 */
final class OneSidedJacobi {
    /** Sweeps before giving up; convergence is quadratic in the end and real matrices need far fewer. */
    static final int MAX_SWEEPS = 40;
    /** Columns per block: a pair of blocks of 768-row columns (196 KB) stays in L2. */
    private static final int BLOCK = 16;
    /** Multiply-adds a parallel task should have at least, so small matrices skip the thread hand-offs. */
    private static final int TASK_WORK = 1 << 16;

    private final double[][] a;
    private final double[] sq;
    private final double tol;
    private final int blockSize, blocks, grain;

    private OneSidedJacobi(double[][] a, double tol) {
        this.a = a;
        this.tol = tol;
        this.sq = new double[a.length];
        this.blockSize = Math.max(1, Math.min(BLOCK, a.length / 8));
        this.blocks = (a.length + blockSize - 1) / blockSize;
        this.grain = Math.max(1, TASK_WORK / (blockSize * blockSize * a[0].length));
    }

    /**
     * Rotates the columns of {@code a} (all of one length) until every pair satisfies
     * |a_i . a_j| <= tol ||a_i|| ||a_j||. The array's columns are reordered on the way and come back
     * sorted by decreasing norm (sorted once more after the last sweep).
     *
     * @return the number of sweeps taken
     * @throws ArithmeticException if {@link #MAX_SWEEPS} sweeps do not converge
     */
    static int orthogonalize(double[][] a, double tol) {
        var jacobi = new OneSidedJacobi(a, tol);
        for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++)
            if (jacobi.sweep()) {
                jacobi.sortByNorm();
                return sweep;
            }
        throw new ArithmeticException("one-sided Jacobi did not converge in " + MAX_SWEEPS + " sweeps");
    }

    /**
     * One sweep over all pairs; returns whether the columns are now orthogonal to within tol. That holds
     * when no pair needed a rotation, and also (LAPACK's dgesvj stops on the same bound, sparing the sweep
     * that would only confirm it) when the rotations were so small that none can have pushed another
     * pair's cosine back above tol: a rotation by sin theta moves the cosine of its columns with a third
     * by at most sin theta times their old cosine, at most n times over.
     */
    private boolean sweep() {
        sortByNorm();
        var largestCos = new DoubleAccumulator(Math::max, 0);
        var largestSin = new DoubleAccumulator(Math::max, 0);
        Parallel.range(blocks, grain, (s, e) -> {
            var largest = new double[2];
            for (int b = s; b < e; b++)
                for (int i = first(b); i < end(b); i++) row(i, i + 1, end(b), largest);
            largestCos.accumulate(largest[0]);
            largestSin.accumulate(largest[1]);
        });
        // Circle method: player `players-1` stays put while the others turn round it; with an odd
        // block count the extra player is a bye.
        int players = blocks + (blocks & 1);
        for (int round = 0; round < players - 1; round++) {
            final int r = round;
            Parallel.range(players / 2, grain, (s, e) -> {
                var largest = new double[2];
                for (int k = s; k < e; k++) {
                    int p = k == 0 ? players - 1 : (r + k) % (players - 1);
                    int q = k == 0 ? r : (r - k + players - 1) % (players - 1);
                    if (p >= blocks || q >= blocks) continue;
                    for (int i = first(p); i < end(p); i++) row(i, first(q), end(q), largest);
                }
                largestCos.accumulate(largest[0]);
                largestSin.accumulate(largest[1]);
            });
        }
        double cos = largestCos.get();
        return cos == 0 || a.length * cos * largestSin.get() < tol;
    }

    /**
     * Recomputes the squared norms exactly (the updates of a sweep drift), zeroes the columns that
     * have become rounding noise, and sorts the columns by norm, largest first.
     */
    private void sortByNorm() {
        double total = 0;
        for (int j = 0; j < a.length; j++) total += sq[j] = Level1.dot(a[j], a[j], 0, a[j].length);
        // A column below max(m, n) eps ||A||_F is noise left by cancellation (a rank-deficient
        // matrix's null space). Its angle to the others is noise too and never converges; as zero it
        // changes A by less than the rounding already committed, and its singular vectors get completed.
        double negligible = Math.max(a.length, a[0].length) * Math.ulp(1.0);
        for (int j = 0; j < a.length; j++)
            if (sq[j] > 0 && sq[j] <= negligible * negligible * total) {
                Arrays.fill(a[j], 0);
                sq[j] = 0;
            }
        int[] order = IntStream.range(0, a.length).boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> -sq[j]).thenComparingInt(j -> j))
                .mapToInt(Integer::intValue).toArray();
        double[][] columns = a.clone();
        double[] norms = sq.clone();
        for (int r = 0; r < order.length; r++) {
            a[r] = columns[order[r]];
            sq[r] = norms[order[r]];
        }
    }

    private int first(int block) {
        return block * blockSize;
    }

    private int end(int block) {
        return Math.min(a.length, (block + 1) * blockSize);
    }

    /**
     * Orthogonalises column i against columns j0..j1-1 in turn, rotating each pair that is not yet
     * orthogonal to within tol; raises largest[0] and largest[1] to the largest |cos| and |sin theta| rotated.
     */
    private void row(int i, int j0, int j1, double[] largest) {
        double[] x = a[i];
        double g = j0 < j1 ? Level1.dot(x, a[j0], 0, x.length) : 0;
        for (int j = j0; j < j1; j++) {
            double[] y = a[j], next = j + 1 < j1 ? a[j + 1] : null;
            double si = sq[i], sj = sq[j];
            double cos = si == 0 || sj == 0 ? 0 : Math.abs(g) / (Math.sqrt(si) * Math.sqrt(sj));
            if (cos <= tol) {
                if (next != null) g = Level1.dot(x, next, 0, x.length);
                continue;
            }
            // The angle that zeroes the inner product, in the stable form: t = tan(theta) is the
            // smaller root of t^2 + 2 zeta t - 1 = 0.
            double zeta = (sj - si) / (2 * g);
            double t = Math.copySign(1, zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
            double c = 1 / Math.sqrt(1 + t * t);
            largest[0] = Math.max(largest[0], cos);
            largest[1] = Math.max(largest[1], Math.abs(c * t));
            double gNext = 0;
            if (next != null) gNext = Level1.rotateDot(x, y, next, c, c * t);
            else Level1.rotate(x, y, c, c * t);
            // The norms follow from the rotation; one that loses most of itself is recomputed, since
            // the update cancels there (LAPACK's dgesvj does the same).
            double ni = si - t * g, nj = sj + t * g;
            sq[i] = ni < 0.1 * si ? Level1.dot(x, x, 0, x.length) : ni;
            sq[j] = nj < 0.1 * sj ? Level1.dot(y, y, 0, y.length) : nj;
            g = gNext;
        }
    }
}
