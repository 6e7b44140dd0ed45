package mdlora.nn.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.tensor.Parallel;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * Updates parameters from their gradients, group by group. Per-parameter state (moments, momentum buffers,
 * step counts) lives in named tensors so that {@link #stateDict()} can save it and a run resume exactly.
 * Parameters without a gradient are skipped, as in PyTorch.
 */
public abstract class Optimizer {
    /** Elements per parallel chunk of an update: below this, forking costs more than it saves. */
    private static final int GRAIN = 1 << 15;

    private final List<ParamGroup> groups;
    private final List<Variable> params = new ArrayList<>();
    /** The group of each parameter, by the parameter's index. */
    private final List<ParamGroup> groupOf = new ArrayList<>();
    private final List<Map<String, Tensor>> state = new ArrayList<>();

    /**
     * Checks that no parameter appears twice and that each owns contiguous storage (updates write it in place).
     * @param groups the parameter groups, each with its learning rate and weight decay
     */
    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) throw new IllegalArgumentException("an optimiser needs at least one parameter group");
        this.groups = List.copyOf(groups);
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        for (ParamGroup g : groups) {
            for (Variable p : g.params()) {
                if (seen.put(p, Boolean.TRUE) != null) throw new IllegalArgumentException("a parameter appears in more than one place in the groups");
                if (!p.data().isContiguous() || p.data().offset() != 0 || p.data().storage().length != p.data().numel())
                    throw new IllegalArgumentException("optimisers update parameters in place and need them to own contiguous storage; got a view "
                            + Shape.str(p.shape()));
                params.add(p);
                groupOf.add(g);
                state.add(new LinkedHashMap<>());
            }
        }
    }

    /**
     * One group holding {@code params}.
     * @param params the parameters to optimise
     * @param lr learning rate
     * @param weightDecay decoupled weight decay (0 for none)
     * @return a list of one group
     */
    protected static List<ParamGroup> single(List<Variable> params, double lr, double weightDecay) {
        return List.of(new ParamGroup(params, lr, weightDecay));
    }

    /**
     * The parameter groups; schedules set their learning rates.
     * @return the live groups
     */
    public List<ParamGroup> groups() {
        return groups;
    }

    /**
     * Every parameter in group order (the indices of the state dict).
     * @return the parameters in group order
     */
    public List<Variable> params() {
        return Collections.unmodifiableList(params);
    }

    /** Clears the gradients of every parameter. */
    public void zeroGrad() {
        for (Variable p : params) p.zeroGrad();
    }

    /** Applies one update to every parameter that has a gradient; a NaN or infinite gradient stops it before any update. */
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor grad = params.get(i).grad();
            if (grad != null && grad.hasNonFinite())
                throw new ArithmeticException("gradient of parameter " + i + " " + Shape.str(grad.shape()) + " has NaN or Inf; no parameter was updated");
        }
        // Parameters are independent: small ones (LoRA factors, most of a fine-tuning run) go to the threads
        // whole, while a large one's update splits further inside (forEachChunk runs inline on a pool thread).
        Parallel.forEach(params.size(), i -> {
            Variable p = params.get(i);
            if (p.grad() != null) update(groupOf.get(i), p.data().storage(), p.grad().contiguousData(), state.get(i));
        });
    }

    /**
     * Updates one parameter in place: {@code param} and {@code grad} are its values and gradient (same length),
     * {@code state} its state, empty before its first update. Several parameters are updated at once on the
     * pool's threads, so an update must touch nothing but its own parameter and state.
     * @param group the parameter's group (learning rate, weight decay)
     * @param param the parameter's values, written in place
     * @param grad its gradient
     * @param state its state by name, e.g. {@code exp_avg}
     */
    protected abstract void update(ParamGroup group, float[] param, float[] grad, Map<String, Tensor> state);

    /**
     * A zero state tensor of the parameter's length.
     * @param state the parameter's state
     * @param name state entry, e.g. {@code exp_avg}
     * @param length the parameter's element count
     * @return the entry's backing array, created zeroed if absent
     */
    protected static float[] buffer(Map<String, Tensor> state, String name, int length) {
        return state.computeIfAbsent(name, k -> Tensor.zeros(length)).storage();
    }

    /**
     * Runs {@code body} over {@code [0, n)} in parallel chunks; updates are elementwise, so the result does not depend on the split.
     * @param n number of elements
     * @param body run on each chunk {@code [from, to)}
     */
    protected static void forEachChunk(int n, Parallel.RangeBody body) {
        Parallel.range(n, GRAIN, body);
    }

    // ---------------------------------------------------------------- state dict

    /**
     * The state to resume from: "state.i.name" for parameter i (in group order) and "group.g.lr" for each group's
     * current learning rate. Copies.
     * @return state name to tensor copy
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < state.size(); i++)
            for (var e : state.get(i).entrySet()) out.put("state." + i + "." + e.getKey(), e.getValue().copy());
        for (int g = 0; g < groups.size(); g++) out.put("group." + g + ".lr", Tensor.scalar((float) groups.get(g).lr()));
        return out;
    }

    /**
     * Restores a {@link #stateDict()} taken from an optimiser of the same kind over parameters of the same shapes.
     * @param dict a state dict from {@link #stateDict()}
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        List<Map<String, Tensor>> loaded = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) loaded.add(new LinkedHashMap<>());
        double[] lrs = new double[groups.size()];
        List<String> unknown = new ArrayList<>();
        for (var e : dict.entrySet()) {
            String[] parts = e.getKey().split("\\.", 3);
            int i = parts.length == 3 ? parseIndex(parts[1]) : -1;
            if (parts[0].equals("state") && i >= 0 && i < params.size()) loaded.get(i).put(parts[2], e.getValue().copy());
            else if (parts[0].equals("group") && i >= 0 && i < groups.size() && parts[2].equals("lr")) lrs[i] = e.getValue().item();
            else unknown.add(e.getKey());
        }
        if (!unknown.isEmpty()) throw new IllegalArgumentException("optimiser state has keys that fit none of the " + params.size()
                + " parameters and " + groups.size() + " groups: " + unknown);
        for (int i = 0; i < params.size(); i++) checkState(i, loaded.get(i));
        for (int g = 0; g < groups.size(); g++) {
            if (!dict.containsKey("group." + g + ".lr")) throw new IllegalArgumentException("optimiser state lacks the learning rate of group " + g);
            groups.get(g).setLr(lrs[g]);
        }
        for (int i = 0; i < params.size(); i++) {
            state.get(i).clear();
            state.get(i).putAll(loaded.get(i));
        }
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Every state tensor is a buffer with one value per parameter element or a scalar (a step count). */
    private void checkState(int i, Map<String, Tensor> loaded) {
        int n = params.get(i).data().numel();
        for (var e : loaded.entrySet())
            if (e.getValue().numel() != n && e.getValue().numel() != 1)
                throw new IllegalArgumentException("optimiser state '" + e.getKey() + "' of parameter " + i + " has " + e.getValue().numel()
                        + " values, the parameter " + n);
    }
}
