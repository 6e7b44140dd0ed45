package mdlora.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * A tensor in a define-by-run graph. Leaves are parameters (which may require gradients) and
 * constants; every operation on a variable that requires gradients records a {@link Node} whose
 * backward sits next to its forward below. {@link #backward()} walks the graph in reverse
 * topological order and accumulates into the leaves' {@link #grad()}. Inputs that do not require
 * gradients (a frozen backbone) get no gradient work at all.
 */
public final class Variable {
    private final Tensor data;
    private final Node node;
    private boolean requiresGrad;
    private Tensor grad;
    /** Gradient collected for a non-leaf during one backward pass. */
    private Tensor pending;

    private Variable(Tensor data, boolean requiresGrad, Node node) {
        this.data = data;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    /**
     * A leaf that requires gradients: a trainable parameter.
     *
     * @param data the value, held (not copied)
     * @return the trainable leaf
     */
    public static Variable parameter(Tensor data) {
        return new Variable(data, true, null);
    }

    /**
     * A leaf that requires no gradients: inputs, frozen weights, buffers.
     *
     * @param data the value, held (not copied)
     * @return the constant leaf
     */
    public static Variable constant(Tensor data) {
        return new Variable(data, false, null);
    }

    /**
     * The result of operation {@code op}: recorded in the graph only when gradients are enabled and some
     * input requires them. {@code backward} runs only then.
     */
    static Variable result(String op, Tensor data, Node.Backward backward, Variable... inputs) {
        if (Autograd.anomalyDetection() && data.hasNonFinite())
            throw new ArithmeticException("'" + op + "' produced NaN or Inf (output shape " + Shape.str(data.shape()) + ")");
        boolean needs = false;
        if (Autograd.isGradEnabled()) for (Variable v : inputs) needs |= v.requiresGrad;
        return needs ? new Variable(data, true, new Node(op, inputs, backward)) : new Variable(data, false, null);
    }

    // ---------------------------------------------------------------- state

    /**
     * The value. Optimisers and loaders update it in place.
     *
     * @return the value tensor, shared (not a copy)
     */
    public Tensor data() {
        return data;
    }

    /**
     * The accumulated gradient of a leaf, or null before any backward (or after {@link #zeroGrad()}).
     *
     * @return the gradient, shape of the value, or null
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the accumulated gradient (optimisers' clipping, tests); null clears it.
     *
     * @param g the gradient, shape of the value, or null
     * @throws IllegalArgumentException if {@code g}'s shape differs from the value's
     */
    public void setGrad(Tensor g) {
        if (g != null && !g.sameShape(data))
            throw new IllegalArgumentException("gradient of shape " + Shape.str(g.shape()) + " for a variable of shape " + Shape.str(data.shape()));
        grad = g;
    }

    /** Drops the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /**
     * Whether gradients flow to this variable (a leaf's flag, or true for a result of one that does).
     *
     * @return true when gradients flow here
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Freezes or unfreezes a leaf (PyTorch's {@code requires_grad_}).
     *
     * @param on true to train the leaf, false to freeze it
     * @return this variable
     * @throws IllegalStateException if this is not a leaf
     */
    public Variable requiresGrad(boolean on) {
        if (node != null) throw new IllegalStateException("requiresGrad can only be set on a leaf, not on the result of '" + node.op + "'");
        requiresGrad = on;
        return this;
    }

    /**
     * True for a variable made directly, not by an operation.
     *
     * @return true for a leaf
     */
    public boolean isLeaf() {
        return node == null;
    }

    /**
     * Name of the operation that made this variable, or null for a leaf.
     *
     * @return the operation's name, or null
     */
    public String op() {
        return node == null ? null : node.op;
    }

    /**
     * True once backward has released this result's saved tensors (false for leaves).
     *
     * @return true once the saved tensors are gone
     */
    public boolean isReleased() {
        return node != null && node.isReleased();
    }

    /**
     * The same value cut from the graph.
     *
     * @return a constant sharing this value
     */
    public Variable detach() {
        return constant(data);
    }

    /**
     * The value's shape.
     *
     * @return the size of each axis (a copy)
     */
    public int[] shape() {
        return data.shape();
    }

    /**
     * The value's size along {@code axis} (negative counts from the end).
     *
     * @param axis the axis (negative counts from the end)
     * @return its size
     */
    public int size(int axis) {
        return data.size(axis);
    }

    /**
     * The value's number of axes.
     *
     * @return the number of axes
     */
    public int rank() {
        return data.rank();
    }

    /**
     * The value of a one-element variable.
     *
     * @return the single element
     * @throws IllegalStateException if the value has more or fewer than one element
     */
    public float item() {
        return data.item();
    }

    @Override
    public String toString() {
        return "Variable(" + (node == null ? (requiresGrad ? "parameter" : "constant") : node.op) + ") " + data;
    }

    // ---------------------------------------------------------------- backward

    /** Backward from a one-element variable with seed gradient 1. */
    public void backward() {
        if (data.numel() != 1)
            throw new IllegalStateException("backward() without a seed gradient needs a one-element output, this one has shape "
                    + Shape.str(data.shape()) + "; pass the gradient of the output");
        backward(Tensor.ones(data.shape()), false);
    }

    /**
     * Backward with the given gradient of this variable; the graph's saved tensors are released unless {@code retainGraph}.
     *
     * @param seed the gradient of this variable, shape of the value
     * @param retainGraph true to keep the saved tensors for another backward pass
     * @throws IllegalStateException if this variable requires no gradients or {@code seed}'s shape differs
     */
    public void backward(Tensor seed, boolean retainGraph) {
        if (!requiresGrad) throw new IllegalStateException("backward on a variable that does not require gradients (nothing in its graph is trainable)");
        checkGradShape("backward seed", seed);
        List<Variable> order = topologicalOrder();
        pending = seed;
        for (int i = order.size() - 1; i >= 0; i--) {
            Variable v = order.get(i);
            Tensor g = v.pending;
            v.pending = null;
            if (g == null) continue;
            if (v.node == null) {
                v.grad = v.grad == null ? g.copy() : v.grad.add(g);
                continue;
            }
            Tensor[] inputGrads = v.node.apply(g);
            if (!retainGraph) v.node.release();
            Variable[] in = v.node.inputs;
            for (int k = 0; k < in.length; k++) {
                if (!in[k].requiresGrad || inputGrads[k] == null) continue;
                in[k].checkGradShape("gradient from '" + v.node.op + "'", inputGrads[k]);
                if (Autograd.anomalyDetection() && inputGrads[k].hasNonFinite())
                    throw new ArithmeticException("backward of '" + v.node.op + "' produced NaN or Inf for input " + k);
                in[k].pending = in[k].pending == null ? inputGrads[k] : in[k].pending.add(inputGrads[k]);
            }
        }
    }

    private void checkGradShape(String what, Tensor g) {
        if (!Arrays.equals(g.shape(), data.shape()))
            throw new IllegalStateException(what + " has shape " + Shape.str(g.shape()) + " but the variable has shape " + Shape.str(data.shape()));
    }

    /** Variables that need gradients, inputs before the results that use them (iterative DFS: graphs are deep). */
    private List<Variable> topologicalOrder() {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {this, 0});
        visited.put(this, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Variable v = (Variable) top[0];
            int next = (Integer) top[1];
            Variable[] in = v.node == null ? new Variable[0] : v.node.inputs;
            if (next < in.length) {
                top[1] = next + 1;
                Variable c = in[next];
                if (c.requiresGrad && visited.put(c, Boolean.TRUE) == null) stack.push(new Object[] {c, 0});
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }

    // ---------------------------------------------------------------- arithmetic

    /** Sums a broadcast gradient back to {@code shape} (the reverse of NumPy broadcasting). */
    static Tensor unbroadcast(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < gs.length; i++)
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) axes.add(i);
        Tensor s = g.sum(true, axes.stream().mapToInt(Integer::intValue).toArray());
        return s.reshape(shape);
    }

    /**
     * this + o, broadcast; the gradient is summed back over broadcast axes.
     *
     * @param o the other operand, broadcastable with this
     * @return the sum, broadcast shape
     */
    public Variable add(Variable o) {
        int[] sa = shape(), sb = o.shape();
        return result("add", data.add(o.data), g -> new Tensor[] {unbroadcast(g, sa), unbroadcast(g, sb)}, this, o);
    }

    /**
     * this - o, broadcast.
     *
     * @param o the subtrahend, broadcastable with this
     * @return the difference, broadcast shape
     */
    public Variable sub(Variable o) {
        int[] sa = shape(), sb = o.shape();
        return result("sub", data.sub(o.data), g -> new Tensor[] {unbroadcast(g, sa), o.requiresGrad ? unbroadcast(g.neg(), sb) : null}, this, o);
    }

    /**
     * this * o, elementwise, broadcast.
     *
     * @param o the other factor, broadcastable with this
     * @return the product, broadcast shape
     */
    public Variable mul(Variable o) {
        return result("mul", data.mul(o.data), g -> new Tensor[] {
                requiresGrad ? unbroadcast(g.mul(o.data), shape()) : null,
                o.requiresGrad ? unbroadcast(g.mul(data), o.shape()) : null}, this, o);
    }

    /**
     * this / o, broadcast.
     *
     * @param o the divisor, broadcastable with this
     * @return the quotient, broadcast shape
     */
    public Variable div(Variable o) {
        return result("div", data.div(o.data), g -> new Tensor[] {
                requiresGrad ? unbroadcast(g.div(o.data), shape()) : null,
                o.requiresGrad ? unbroadcast(g.mul(data).div(o.data.square()).neg(), o.shape()) : null}, this, o);
    }

    /**
     * this + s.
     *
     * @param s the scalar added
     * @return the sum, shape of this
     */
    public Variable add(float s) {
        return result("add_scalar", data.add(s), g -> new Tensor[] {g}, this);
    }

    /**
     * this - s.
     *
     * @param s the scalar subtracted
     * @return the difference, shape of this
     */
    public Variable sub(float s) {
        return add(-s);
    }

    /**
     * this * s.
     *
     * @param s the factor
     * @return the product, shape of this
     */
    public Variable mul(float s) {
        return result("mul_scalar", data.mul(s), g -> new Tensor[] {g.mul(s)}, this);
    }

    /**
     * this / s.
     *
     * @param s the divisor
     * @return the quotient, shape of this
     */
    public Variable div(float s) {
        return mul(1f / s);
    }

    /**
     * -this.
     *
     * @return the negation, shape of this
     */
    public Variable neg() {
        return mul(-1f);
    }

    /**
     * x^p for a constant exponent.
     *
     * @param p the exponent
     * @return this to the power p, elementwise
     */
    public Variable pow(float p) {
        return result("pow", data.pow(p), g -> new Tensor[] {g.mul(data.pow(p - 1)).mul(p)}, this);
    }

    /**
     * this * this.
     *
     * @return the squares, shape of this
     */
    public Variable square() {
        return result("square", data.square(), g -> new Tensor[] {g.mul(data).mul(2f)}, this);
    }

    /**
     * The square root, elementwise.
     *
     * @return the square roots, shape of this
     */
    public Variable sqrt() {
        Tensor y = data.sqrt();
        return result("sqrt", y, g -> new Tensor[] {g.div(y).mul(0.5f)}, this);
    }

    /**
     * e to the this, elementwise.
     *
     * @return the exponentials, shape of this
     */
    public Variable exp() {
        Tensor y = data.exp();
        return result("exp", y, g -> new Tensor[] {g.mul(y)}, this);
    }

    /**
     * The natural logarithm, elementwise.
     *
     * @return the logarithms, shape of this
     */
    public Variable log() {
        return result("log", data.log(), g -> new Tensor[] {g.div(data)}, this);
    }

    /**
     * tanh, elementwise.
     *
     * @return the hyperbolic tangents, shape of this
     */
    public Variable tanh() {
        Tensor y = data.tanh();
        return result("tanh", y, g -> new Tensor[] {g.mul(y.square().neg().add(1f))}, this);
    }

    /**
     * The logistic sigmoid, elementwise.
     *
     * @return the sigmoids, in (0, 1), shape of this
     */
    public Variable sigmoid() {
        Tensor y = data.sigmoid();
        return result("sigmoid", y, g -> new Tensor[] {g.mul(y).mul(y.neg().add(1f))}, this);
    }

    /**
     * max(this, 0).
     *
     * @return the rectified values, shape of this
     */
    public Variable relu() {
        return result("relu", data.relu(), g -> new Tensor[] {g.mul(data.gt(0f))}, this);
    }

    /**
     * Matrix product with NumPy semantics (batched, broadcast); a frozen operand costs no gradient product.
     *
     * @param o the right operand [..., k, n], this being [..., m, k]
     * @return the product [..., m, n], leading axes broadcast
     * @throws IllegalArgumentException if an operand has rank below 2
     */
    public Variable matmul(Variable o) {
        if (rank() < 2 || o.rank() < 2)
            throw new IllegalArgumentException("matmul of variables needs rank >= 2 operands, got " + Shape.str(shape()) + " and " + Shape.str(o.shape()));
        return result("matmul", data.matmul(o.data), g -> new Tensor[] {
                requiresGrad ? unbroadcast(g.matmul(o.data.mT()), shape()) : null,
                o.requiresGrad ? unbroadcast(data.mT().matmul(g), o.shape()) : null}, this, o);
    }

    // ---------------------------------------------------------------- reductions

    /**
     * Sum over {@code axes} (all when none given), kept as size 1 when {@code keepDims}.
     *
     * @param keepDims true to keep the reduced axes as size 1
     * @param axes the axes to reduce (negative counts from the end)
     * @return the sums
     */
    public Variable sum(boolean keepDims, int... axes) {
        int[] ax = Shape.axes(axes, rank()), in = shape();
        return result("sum", data.sum(keepDims, ax), g -> new Tensor[] {expandBack(g, ax, in, keepDims)}, this);
    }

    /**
     * Sum over {@code axes} (all when none given), the axes removed.
     *
     * @param axes the axes to reduce (negative counts from the end)
     * @return the sums
     */
    public Variable sum(int... axes) {
        return sum(false, axes);
    }

    /**
     * Mean over {@code axes} (all when none given), kept as size 1 when {@code keepDims}.
     *
     * @param keepDims true to keep the reduced axes as size 1
     * @param axes the axes to reduce (negative counts from the end)
     * @return the means
     */
    public Variable mean(boolean keepDims, int... axes) {
        int[] ax = Shape.axes(axes, rank()), in = shape();
        int count = 1;
        for (int a : ax) count *= in[a];
        float inv = 1f / count;
        return result("mean", data.mean(keepDims, ax), g -> new Tensor[] {expandBack(g.mul(inv), ax, in, keepDims)}, this);
    }

    /**
     * Mean over {@code axes} (all when none given), the axes removed.
     *
     * @param axes the axes to reduce (negative counts from the end)
     * @return the means
     */
    public Variable mean(int... axes) {
        return mean(false, axes);
    }

    /** Broadcasts a reduced gradient back over the reduced axes (a contiguous copy: later ops may write into it). */
    private static Tensor expandBack(Tensor g, int[] axes, int[] inShape, boolean keepDims) {
        Tensor k = g;
        if (!keepDims) for (int a : axes) k = k.unsqueeze(a);
        return k.expand(inShape).copy();
    }

    // ---------------------------------------------------------------- shapes

    /**
     * The same elements in {@code shape} (one size may be -1).
     *
     * @param shape the new sizes, of the same element count
     * @return the reshaped variable
     */
    public Variable reshape(int... shape) {
        int[] in = shape();
        return result("reshape", data.reshape(shape), g -> new Tensor[] {g.reshape(in)}, this);
    }

    /**
     * Axes {@code start} to {@code end} (inclusive) merged into one.
     *
     * @param start the first axis merged
     * @param end the last axis merged
     * @return the flattened variable
     */
    public Variable flatten(int start, int end) {
        int[] in = shape();
        return result("flatten", data.flatten(start, end), g -> new Tensor[] {g.reshape(in)}, this);
    }

    /**
     * The axes in {@code order} (PyTorch's {@code permute}).
     *
     * @param order for each axis of the result, the axis of this it takes
     * @return the permuted variable
     */
    public Variable permute(int... order) {
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) inverse[Shape.axis(order[i], order.length)] = i;
        return result("permute", data.permute(order), g -> new Tensor[] {g.permute(inverse)}, this);
    }

    /**
     * Axes {@code a} and {@code b} swapped.
     *
     * @param a one axis
     * @param b the other
     * @return the transposed variable
     */
    public Variable transpose(int a, int b) {
        return result("transpose", data.transpose(a, b), g -> new Tensor[] {g.transpose(a, b)}, this);
    }

    /**
     * The last two axes swapped (PyTorch's {@code mT}).
     *
     * @return the transposed variable
     */
    public Variable mT() {
        return transpose(-2, -1);
    }

    /**
     * A new axis of size 1 at {@code axis}.
     *
     * @param axis where the new axis goes in the result
     * @return the variable, rank one more
     */
    public Variable unsqueeze(int axis) {
        int[] in = shape();
        return result("unsqueeze", data.unsqueeze(axis), g -> new Tensor[] {g.reshape(in)}, this);
    }

    /**
     * Axis {@code axis}, of size 1, removed.
     *
     * @param axis the axis to remove, of size 1
     * @return the variable, rank one less
     */
    public Variable squeeze(int axis) {
        int[] in = shape();
        return result("squeeze", data.squeeze(axis), g -> new Tensor[] {g.reshape(in)}, this);
    }

    /**
     * Broadcast view to {@code shape}; the gradient is summed back.
     *
     * @param shape the target shape, broadcast-compatible with this
     * @return the broadcast view
     */
    public Variable expand(int... shape) {
        int[] in = shape();
        return result("expand", data.expand(shape), g -> new Tensor[] {unbroadcast(g, in)}, this);
    }

    /**
     * Elements {@code [start, end)} along {@code axis}.
     *
     * @param axis the axis to cut
     * @param start the first index kept
     * @param end one past the last index kept
     * @return the slice, same rank
     */
    public Variable slice(int axis, int start, int end) {
        int[] in = shape();
        int a = Shape.axis(axis, rank());
        return result("slice", data.slice(a, start, end), g -> {
            Tensor full = Tensor.zeros(in);
            full.slice(a, start, end).copyFromInPlace(g);
            return new Tensor[] {full};
        }, this);
    }

    /**
     * Index {@code index} along {@code axis}, axis removed.
     *
     * @param axis the axis to index
     * @param index the position along it
     * @return the slice, rank one less
     */
    public Variable select(int axis, int index) {
        int a = Shape.axis(axis, rank());
        return slice(a, index, index + 1).squeeze(a);
    }

    /**
     * Rows {@code indices} along {@code axis} (repeats allowed); the gradient is scattered back with addition.
     *
     * @param axis the axis to index
     * @param indices the positions along it, each in [0, size)
     * @return the rows in the given order, size indices.length along axis
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public Variable indexSelect(int axis, int... indices) {
        int a = Shape.axis(axis, rank());
        int size = size(a);
        Tensor[] parts = new Tensor[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size)
                throw new IndexOutOfBoundsException("indexSelect: index " + indices[i] + " out of range for axis " + a + " of size " + size);
            parts[i] = data.slice(a, indices[i], indices[i] + 1);
        }
        int[] in = shape();
        Tensor out = indices.length == 0 ? Tensor.zeros(withSize(in, a, 0)) : Tensor.concat(a, parts);
        return result("index_select", out, g -> {
            Tensor full = Tensor.zeros(in);
            for (int i = 0; i < indices.length; i++)
                full.slice(a, indices[i], indices[i] + 1).addInPlace(g.slice(a, i, i + 1));
            return new Tensor[] {full};
        }, this);
    }

    private static int[] withSize(int[] shape, int axis, int size) {
        int[] s = shape.clone();
        s[axis] = size;
        return s;
    }

    /**
     * Joins variables along {@code axis}.
     *
     * @param axis the axis to join along
     * @param parts the variables, equal in size except along axis
     * @return the joined variable
     */
    public static Variable concat(int axis, Variable... parts) {
        Tensor[] ts = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) ts[i] = parts[i].data;
        Tensor out = Tensor.concat(axis, ts);
        int a = Shape.axis(axis, out.rank());
        return result("concat", out, g -> {
            Tensor[] gs = new Tensor[parts.length];
            int at = 0;
            for (int i = 0; i < parts.length; i++) {
                int n = parts[i].size(a);
                if (parts[i].requiresGrad) gs[i] = g.slice(a, at, at + n).contiguous();
                at += n;
            }
            return gs;
        }, parts);
    }

    /**
     * Stacks variables of one shape along a new axis.
     *
     * @param axis where the new axis goes in the result
     * @param parts the variables, all of one shape
     * @return the stacked variable, rank one more
     */
    public static Variable stack(int axis, Variable... parts) {
        Variable[] u = new Variable[parts.length];
        for (int i = 0; i < parts.length; i++) u[i] = parts[i].unsqueeze(axis);
        return concat(axis, u);
    }
}
