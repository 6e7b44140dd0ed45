/**
 * Tensors and the kernels they run on: {@link mdlora.tensor.Tensor}, {@link mdlora.tensor.Shape},
 * {@link mdlora.tensor.Rng} and the {@link mdlora.tensor.Backend} interface (package {@code mdlora.tensor});
 * safetensors and JSON files written atomically ({@code mdlora.tensor.io}); SVD and QR
 * ({@code mdlora.tensor.linalg}).
 *
 * <p>The Vector API CPU kernels ({@code mdlora.tensor.cpu}: the GEMM, elementwise, reduction and fused
 * kernels) are internal: not exported, reached only through {@link mdlora.tensor.Backend}, which finds
 * them as a service. Requiring the incubating {@code jdk.incubator.vector} here means a modular
 * application needs no {@code --add-modules} flag; on the class path the flag is still needed.
 */
module mdlora.tensor {
    requires jdk.incubator.vector;

    exports mdlora.tensor;
    exports mdlora.tensor.io;
    exports mdlora.tensor.linalg;

    uses mdlora.tensor.Backend;
    provides mdlora.tensor.Backend with mdlora.tensor.cpu.VectorBackend;
}
