package mdlora.bench;

import java.util.ArrayList;
import java.util.List;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import mdlora.tensor.linalg.Svd;

/** W2: thin SVD of Gaussian matrices; ms (best of 3, as the yardstick) and relative reconstruction error. */
public final class SvdWorkload implements Workload {
    /** M, N of each matrix, as in WORKLOADS.md. */
    private static final int[][] SHAPES = {{768, 768}, {3072, 768}, {576, 192}};

    @Override
    public String id() {
        return "W2";
    }

    @Override
    public String description() {
        return "thin SVD (ms best of 3; error ||A - U S V^T||_F / ||A||_F)";
    }

    @Override
    public List<Figure> run() {
        Rng rng = new Rng(0);
        List<Figure> figures = new ArrayList<>();
        for (int[] s : SHAPES) {
            Tensor a = rng.normal(0f, 1f, s[0], s[1]);
            double seconds = Timing.bestOf(3, () -> Svd.of(a));
            String mn = s[0] + "x" + s[1];
            String key = s[0] == s[1] ? "W2_" + s[0] : "W2_" + mn;
            figures.add(Figure.cost(key + "_ms", seconds * 1e3, "svd_" + mn + "_ms"));
            figures.add(Figure.cost(key + "_error", reconstructionError(a, Svd.of(a)), null));
        }
        return figures;
    }

    private static double reconstructionError(Tensor a, Svd svd) {
        Tensor residual = a.sub(svd.u().mul(svd.s()).matmul(svd.vt()));
        return Math.sqrt(residual.square().sumAll()) / Math.sqrt(a.square().sumAll());
    }
}
