package mdlora.bench.jmh;

import java.util.concurrent.TimeUnit;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import mdlora.tensor.linalg.Svd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The thin SVD of workload W2: Gaussian matrices of the shapes of ViT-B's proj (768x768) and fc1
 * (3072x768) weights and of ViT-Tiny's qkv weight (576x192), the shapes the subspace-constrained
 * LoRA decomposes once per adapted layer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SvdBenchmark {
    @Param({"768x768", "3072x768", "576x192"})
    public String shape;

    private Tensor a;

    @Setup
    public void setUp() {
        String[] mn = shape.split("x");
        a = new Rng(0).normal(0, 1, Integer.parseInt(mn[0]), Integer.parseInt(mn[1]));
    }

    @Benchmark
    public Svd svd() {
        return Svd.of(a);
    }
}
