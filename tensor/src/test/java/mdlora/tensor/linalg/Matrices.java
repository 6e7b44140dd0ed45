package mdlora.tensor.linalg;

import java.util.Random;

/** Test matrices held as arrays of columns (or rows), as the linalg kernels take them. */
final class Matrices {
    private Matrices() {}

    /** {@code count} arrays of {@code length} standard Gaussian entries. */
    static double[][] gaussian(int count, int length, long seed) {
        var rng = new Random(seed);
        double[][] x = new double[count][length];
        for (double[] v : x)
            for (int i = 0; i < length; i++) v[i] = rng.nextGaussian();
        return x;
    }

    /** A deep copy. */
    static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) y[i] = x[i].clone();
        return y;
    }
}
