package mdlora.nn.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mdlora.autograd.Variable;

/** Parameters that share a learning rate and a weight decay (PyTorch's param group). Schedules change the learning rate. */
public final class ParamGroup {
    private final List<Variable> params;
    private final double weightDecay;
    private double lr;

    /**
     * {@code params} with learning rate {@code lr} and weight decay {@code weightDecay} (both >= 0).
     * @param params the parameters
     * @param lr learning rate, >= 0
     * @param weightDecay weight decay, >= 0
     */
    public ParamGroup(List<Variable> params, double lr, double weightDecay) {
        if (!(lr >= 0) || !(weightDecay >= 0))
            throw new IllegalArgumentException("learning rate and weight decay must be >= 0, got lr " + lr + ", weight decay " + weightDecay);
        this.params = List.copyOf(params);
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /**
     * The trainable parameters of {@code named} in two groups, as timm's {@code param_groups_weight_decay}: no
     * decay for vectors and scalars (biases, norm weights), parameters named in {@code noDecay} (a ViT's
     * {@code cls_token} and {@code pos_embed}, also under a prefix such as {@code backbone.}) or ending in ".bias";
     * {@code weightDecay} for the rest. Frozen parameters are left out, and so is an empty group.
     * @param named parameters by dotted name, e.g. {@link mdlora.nn.Module#namedParameters()}
     * @param lr learning rate of both groups
     * @param weightDecay weight decay of the decayed group
     * @param noDecay names exempt from decay, also as a dotted suffix, e.g. {@code pos_embed}
     * @return the undecayed group, then the decayed one; empty groups left out
     */
    public static List<ParamGroup> splitWeightDecay(Map<String, Variable> named, double lr, double weightDecay, Set<String> noDecay) {
        List<Variable> decay = new ArrayList<>(), plain = new ArrayList<>();
        named.forEach((name, p) -> {
            if (!p.requiresGrad()) return;
            boolean exempt = p.rank() <= 1 || name.endsWith(".bias") || noDecay.stream().anyMatch(n -> name.equals(n) || name.endsWith("." + n));
            (exempt ? plain : decay).add(p);
        });
        List<ParamGroup> groups = new ArrayList<>();
        if (!plain.isEmpty()) groups.add(new ParamGroup(plain, lr, 0));
        if (!decay.isEmpty()) groups.add(new ParamGroup(decay, lr, weightDecay));
        return groups;
    }

    /**
     * The parameters, unmodifiable.
     * @return the parameters
     */
    public List<Variable> params() {
        return params;
    }

    /**
     * The current learning rate.
     * @return the learning rate
     */
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning rate (what schedules do).
     * @param lr the new learning rate, >= 0
     */
    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        this.lr = lr;
    }

    /**
     * The weight decay coefficient.
     * @return the weight decay
     */
    public double weightDecay() {
        return weightDecay;
    }
}
