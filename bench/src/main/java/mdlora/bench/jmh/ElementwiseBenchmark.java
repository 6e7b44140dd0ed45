package mdlora.bench.jmh;

import java.util.concurrent.TimeUnit;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The non-matmul kernels of a ViT-Tiny training step at the W3 workload's sizes (32 frames of 50
 * tokens = 1600 rows, width 192, MLP 768, 3 heads): GELU, softmax rows, layer norm rows, bias add,
 * axpy, the bias gradient (sum over axis 0) and the copy of a transposed matrix.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ElementwiseBenchmark {
    private static final int ROWS = 1600, HIDDEN = 768;

    private Tensor hidden, update, bias, scores, square;

    @Setup
    public void setUp() {
        Rng rng = new Rng(1);
        hidden = rng.normal(0, 1, ROWS, HIDDEN);
        update = rng.normal(0, 1, ROWS, HIDDEN);
        bias = rng.normal(0, 1, HIDDEN);
        scores = rng.normal(0, 3, 32, 3, 65, 65);
        square = rng.normal(0, 1, HIDDEN, HIDDEN);
    }

    /** Layer norm input of either ViT width, with its affine parameters. */
    @State(Scope.Benchmark)
    public static class Rows {
        @Param({"192", "768"})
        public int width;
        public Tensor x, weight, bias;

        @Setup
        public void setUp() {
            Rng rng = new Rng(2);
            x = rng.normal(0, 1, ROWS, width);
            weight = rng.normal(1, 0.1f, width);
            bias = rng.normal(0, 0.1f, width);
        }
    }

    @Benchmark
    public Tensor gelu() {
        return hidden.gelu();
    }

    @Benchmark
    public Tensor softmax() {
        return scores.softmax(-1);
    }

    @Benchmark
    public Tensor layerNorm(Rows rows) {
        return rows.x.layerNorm(rows.weight, rows.bias, 1e-6f);
    }

    @Benchmark
    public Tensor biasAdd() {
        return hidden.add(bias);
    }

    @Benchmark
    public Tensor axpy() {
        return update.addInPlace(hidden, 1e-3f);
    }

    @Benchmark
    public Tensor sumAxis0() {
        return hidden.sum(0);
    }

    @Benchmark
    public Tensor transposedCopy() {
        return square.mT().contiguous();
    }
}
