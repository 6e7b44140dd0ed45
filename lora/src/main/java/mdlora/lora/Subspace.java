package mdlora.lora;

import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * A subspace of R^d given by an orthonormal basis U [d, k]: either the span of U (projector U U^T) or its
 * orthogonal complement (projector I - U U^T). Projections are applied to a [d, r] factor as U (U^T B),
 * d*k*r work: a d x d projector is never formed.
 */
public final class Subspace {
    private final Tensor basis;
    /** U^T stored row-major, so U^T B reads both operands in place (a transposed view would be repacked per call). */
    private final Tensor basisT;
    private final boolean complement;

    private Subspace(Tensor basis, boolean complement) {
        if (basis.rank() != 2)
            throw new IllegalArgumentException("a subspace basis must be a [d, k] matrix, got " + Shape.str(basis.shape()));
        this.basis = basis.contiguous();
        this.basisT = basis.mT().contiguous();
        this.complement = complement;
    }

    /**
     * The span of the orthonormal columns of {@code basis} [d, k].
     *
     * @param basis U [d, k], orthonormal columns
     * @return span(U), projector U U^T
     */
    public static Subspace spannedBy(Tensor basis) {
        return new Subspace(basis, false);
    }

    /**
     * The orthogonal complement of the span of the orthonormal columns of {@code basis} [d, k].
     *
     * @param basis U [d, k], orthonormal columns
     * @return the complement, projector I - U U^T
     */
    public static Subspace complementOf(Tensor basis) {
        return new Subspace(basis, true);
    }

    /**
     * d, the dimension of the ambient space.
     *
     * @return d
     */
    public int ambientDimension() {
        return basis.size(0);
    }

    /**
     * The dimension of this subspace.
     *
     * @return k for a span, d - k for a complement
     */
    public int dimension() {
        return complement ? basis.size(0) - basis.size(1) : basis.size(1);
    }

    /**
     * The projection of the columns of {@code b} [d, r], differentiable in b (a projector is its own adjoint).
     *
     * @param b the factor, [d, r]
     * @return P b, [d, r]
     */
    public Variable project(Variable b) {
        checkRows(b.shape());
        return Functional.selfAdjoint("project", b, this::project);
    }

    /**
     * The projection of the columns of {@code b} [d, r].
     *
     * @param b the factor, [d, r]
     * @return P b, [d, r]
     */
    public Tensor project(Tensor b) {
        checkRows(b.shape());
        Tensor inSpan = basis.matmul(basisT.matmul(b));
        return complement ? b.sub(inSpan) : inSpan;
    }

    /**
     * ||b - P b||_F / ||b||_F: how far the columns of {@code b} [d, r] stick out of this subspace
     * (0 for a zero b).
     *
     * @param b the factor, [d, r]
     * @return the relative residual, in [0, 1]
     */
    public double residual(Tensor b) {
        double norm = Math.sqrt(b.square().sumAll());
        return norm == 0 ? 0 : Math.sqrt(b.sub(project(b)).square().sumAll()) / norm;
    }

    private void checkRows(int[] shape) {
        if (shape.length != 2 || shape[0] != basis.size(0))
            throw new IllegalArgumentException("cannot project " + Shape.str(shape) + " onto a subspace of R^" + basis.size(0));
    }
}
