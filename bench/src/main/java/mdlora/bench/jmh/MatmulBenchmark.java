package mdlora.bench.jmh;

import java.util.concurrent.TimeUnit;
import mdlora.tensor.Rng;
import mdlora.tensor.cpu.Gemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Gemm} on the products that matter: W1's shapes, ViT-Tiny training at 32 frames of 65 tokens
 * (qkv, proj, fc1, fc2, LoRA rank 32, attention per head), and ViT-Base/16 on one 224 px frame.
 * A shape is {@code [B x] M x K x N}, optionally {@code :NT} or {@code :TN} for a transposed operand
 * as the backward pass and attention use it. Run with {@code ./mdlora jmh Matmul}; GFLOPS = 2BMKN / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class MatmulBenchmark {
    @Param({
        // W1
        "1024x1024x1024", "1600x192x576", "1600x768x192", "1576x768x2304",
        // ViT-Tiny training: proj, fc1, weight gradient of qkv, LoRA down and up, attention scores and values
        "1600x192x192", "1600x192x768", "192x1600x576:TN", "1600x192x32", "1600x32x192", "96x65x64x65:NT", "96x65x65x64",
        // ViT-Base/16, one frame: qkv, proj, fc1, fc2, attention scores and values
        "197x768x2304", "197x768x768", "197x768x3072", "197x3072x768", "12x197x64x197:NT", "12x197x197x64"})
    public String shape;

    private int batch, m, k, n, lda, ldb;
    private boolean transA, transB;
    private float[] a, b, c;
    private int[] aOffs, bOffs, cOffs;

    @Setup
    public void setup() {
        String[] layout = shape.split(":");
        transA = layout.length > 1 && layout[1].charAt(0) == 'T';
        transB = layout.length > 1 && layout[1].charAt(1) == 'T';
        String[] dims = layout[0].split("x");
        batch = dims.length == 4 ? Integer.parseInt(dims[0]) : 1;
        m = Integer.parseInt(dims[dims.length - 3]);
        k = Integer.parseInt(dims[dims.length - 2]);
        n = Integer.parseInt(dims[dims.length - 1]);
        lda = transA ? m : k;
        ldb = transB ? k : n;
        Rng rng = new Rng(0);
        a = rng.normal(0f, 1f, batch * m * k).toArray();
        b = rng.normal(0f, 1f, batch * k * n).toArray();
        c = new float[batch * m * n];
        aOffs = new int[batch];
        bOffs = new int[batch];
        cOffs = new int[batch];
        for (int p = 0; p < batch; p++) {
            aOffs[p] = p * m * k;
            bOffs[p] = p * k * n;
            cOffs[p] = p * m * n;
        }
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemmBatched(batch, transA, transB, m, n, k, 1f, a, aOffs, lda, b, bOffs, ldb, 0f, c, cOffs, n);
        return c;
    }
}
