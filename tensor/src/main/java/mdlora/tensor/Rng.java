package mdlora.tensor;

/**
 * Seeded random numbers (xoshiro128++ state, SplitMix64 seeding). Tensors are filled sequentially,
 * so a seed gives the same numbers whatever the thread count.
 */
public final class Rng {
    private int s0, s1, s2, s3;
    private double spareNormal = Double.NaN;

    /**
     * A generator whose whole sequence is fixed by {@code seed}.
     *
     * @param seed the seed; equal seeds give equal sequences
     */
    public Rng(long seed) {
        long z = seed;
        long a = splitMix(z += 0x9E3779B97F4A7C15L), b = splitMix(z += 0x9E3779B97F4A7C15L);
        s0 = (int) a;
        s1 = (int) (a >>> 32);
        s2 = (int) b;
        s3 = (int) (b >>> 32);
        if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Next 32 random bits.
     *
     * @return a uniform int over the whole int range
     */
    public int nextInt() {
        int result = Integer.rotateLeft(s0 + s3, 7) + s0;
        int t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Integer.rotateLeft(s3, 11);
        return result;
    }

    /**
     * Uniform integer in {@code [0, bound)}.
     *
     * @param bound the exclusive upper limit, positive
     * @return a uniform int in {@code [0, bound)}
     */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long m = (nextInt() & 0xFFFFFFFFL) * bound;
        return (int) (m >>> 32);
    }

    /**
     * Uniform double in [0, 1) with 53 random bits.
     *
     * @return a uniform double in {@code [0, 1)}
     */
    public double nextDouble() {
        long hi = nextInt() & 0xFFFFFFFFL, lo = nextInt() & 0xFFFFFFFFL;
        return ((hi << 21) ^ (lo >>> 11)) * 0x1.0p-53;
    }

    /**
     * Standard normal deviate (Box-Muller, both values used).
     *
     * @return a deviate of mean 0 and variance 1
     */
    public double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            double v = spareNormal;
            spareNormal = Double.NaN;
            return v;
        }
        double u1 = 1.0 - nextDouble(), u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spareNormal = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }

    /**
     * A new generator whose stream is independent of this one's (for worker threads and sub-tasks).
     *
     * @return a generator seeded from this one's stream
     */
    public Rng fork() {
        return new Rng(((long) nextInt() << 32) ^ (nextInt() & 0xFFFFFFFFL));
    }

    /**
     * Tensor of normal deviates with the given mean and standard deviation.
     *
     * @param mean the mean of the distribution
     * @param std the standard deviation, non-negative
     * @param shape the shape of the result
     * @return a new contiguous tensor of that shape
     */
    public Tensor normal(float mean, float std, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * nextGaussian());
        return Tensor.of(d, shape);
    }

    /**
     * Tensor of uniform deviates in {@code [low, high)}.
     *
     * @param low the inclusive lower limit
     * @param high the exclusive upper limit
     * @param shape the shape of the result
     * @return a new contiguous tensor of that shape
     */
    public Tensor uniform(float low, float high, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            float v = (float) (low + (high - low) * nextDouble());
            d[i] = v < high ? v : Math.nextDown(high); // rounding to float can reach high itself
        }
        return Tensor.of(d, shape);
    }

    /**
     * PyTorch's {@code kaiming_uniform_(w, a=sqrt(5))}, the default init of {@code nn.Linear}: bound =
     * gain * sqrt(3 / fanIn) with gain = sqrt(2 / (1 + a^2)), i.e. bound = 1 / sqrt(fanIn).
     *
     * @param fanIn the number of inputs per output unit (in_features for a Linear)
     * @param shape the shape of the weight, e.g. [out, in]
     * @return a new tensor uniform in {@code [-bound, bound)}
     */
    public Tensor kaimingUniform(int fanIn, int... shape) {
        return kaimingUniformWithSlope(fanIn, Math.sqrt(5), shape);
    }

    /**
     * Kaiming uniform with negative slope {@code a} (PyTorch's leaky_relu gain); named apart from
     * {@link #kaimingUniform(int, int...)} so an integer slope cannot be read as a size.
     *
     * @param fanIn the number of inputs per output unit
     * @param a the negative slope of the activation that follows
     * @param shape the shape of the weight
     * @return a new tensor uniform in {@code [-bound, bound)}
     */
    public Tensor kaimingUniformWithSlope(int fanIn, double a, int... shape) {
        if (fanIn < 1) throw new IllegalArgumentException("kaimingUniform: fanIn must be positive, got " + fanIn);
        double gain = Math.sqrt(2.0 / (1 + a * a));
        float bound = (float) (gain * Math.sqrt(3.0 / fanIn));
        return uniform(-bound, bound, shape);
    }
}
