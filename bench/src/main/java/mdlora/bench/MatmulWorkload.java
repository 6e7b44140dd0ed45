package mdlora.bench;

import java.util.ArrayList;
import java.util.List;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/** W1: {@code C = A B} in float32 for the reference shapes; GFLOPS = 2MKN / best of 5. */
public final class MatmulWorkload implements Workload {
    /** M, K, N of each product, as in WORKLOADS.md. */
    private static final int[][] SHAPES = {{1024, 1024, 1024}, {1600, 192, 576}, {1600, 768, 192}, {1576, 768, 2304}};

    @Override
    public String id() {
        return "W1";
    }

    @Override
    public String description() {
        return "C = A B, float32 (GFLOPS = 2MKN / best of 5)";
    }

    @Override
    public List<Figure> run() {
        Rng rng = new Rng(0);
        List<Figure> figures = new ArrayList<>();
        for (int[] s : SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            Tensor a = rng.normal(0f, 1f, m, k), b = rng.normal(0f, 1f, k, n);
            double seconds = Timing.bestOf(5, () -> a.matmul(b));
            String mkn = m + "x" + k + "x" + n;
            String key = m == k && k == n ? "W1_" + m + "_gflops" : "W1_" + mkn + "_gflops";
            figures.add(Figure.rate(key, 2.0 * m * k * n / seconds / 1e9, "sgemm_" + mkn + "_gflops"));
        }
        return figures;
    }
}
