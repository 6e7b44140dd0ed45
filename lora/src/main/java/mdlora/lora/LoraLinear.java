package mdlora.lora;

import java.util.List;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.nn.Layer;
import mdlora.nn.Linear;
import mdlora.nn.Module;
import mdlora.nn.RowDomains;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * A frozen linear layer with a shared LoRA and/or one LoRA per domain (MTLoRA), each optionally held to a
 * subspace of W (Takama et al.) and mixed (MoSLoRA). For a row of domain i:
 * {@code y = x W^T + b + x A M^T (s P_m B)^T + x A_i M_i^T (s_i P_n B_i)^T}.
 *
 * <p>Children: {@code base_layer} (the frozen Linear, PEFT's name), {@code shared}, and one {@link LoraBranch}
 * per domain named after it. Each domain present in a batch runs its rows through the shared and its own
 * LoRA as one rank-(r + r_i) LoRA, whatever the number of LoRAs; without dropout that LoRA is added to W
 * before the rows go through it, so the rows cost one product, as in the frozen layer.
 */
public final class LoraLinear extends Module implements Layer {
    private final String path;
    private final Linear base;
    private final LoraBranch shared;
    private final List<String> domainNames;
    private final List<LoraBranch> domains;
    private final float dropout;
    private final Rng dropoutRng;
    private boolean merged;
    private int mergedDomain;
    /** W as it was before {@link #merge}, so unmerge restores its exact bits (and the base fingerprint). */
    private Tensor weightBeforeMerge;

    /**
     * Wraps and freezes {@code base}, found at {@code path} in the model (named in error messages).
     * {@code shared} may be null; {@code domains} is empty or holds one LoRA per name of {@code domainNames},
     * in that order. One dropout mask on the layer's input feeds all of its LoRAs.
     *
     * @param path the layer's dotted path in the model
     * @param base the linear layer to wrap (frozen here)
     * @param shared the shared LoRA, or null
     * @param domainNames domain names, in routing-index order
     * @param domains one LoRA per domain name, or empty
     * @param dropout dropout probability on the LoRA input, in [0, 1)
     * @param dropoutRng draws the dropout masks
     */
    public LoraLinear(String path, Linear base, LoraBranch shared, List<String> domainNames, List<LoraBranch> domains,
                      float dropout, Rng dropoutRng) {
        if (shared == null && domains.isEmpty()) throw new IllegalArgumentException(path + ": a LoRA layer needs a shared or a domain LoRA");
        if (!domains.isEmpty() && domains.size() != domainNames.size())
            throw new IllegalArgumentException(path + ": " + domains.size() + " domain LoRAs for " + domainNames.size() + " domains");
        this.path = path;
        this.base = registerModule("base_layer", base);
        this.shared = shared == null ? null : registerModule("shared", shared);
        this.domainNames = List.copyOf(domainNames);
        this.domains = List.copyOf(domains);
        for (int i = 0; i < domains.size(); i++) registerModule(domainNames.get(i), domains.get(i));
        this.dropout = dropout;
        this.dropoutRng = dropoutRng;
        base.freeze();
    }

    /**
     * The dotted path of this layer in its model.
     *
     * @return the dotted path
     */
    public String path() {
        return path;
    }

    /**
     * The frozen linear layer.
     *
     * @return the wrapped Linear ({@code base_layer})
     */
    public Linear base() {
        return base;
    }

    /**
     * The shared LoRA, or null.
     *
     * @return the shared LoRA, or null
     */
    public LoraBranch shared() {
        return shared;
    }

    /**
     * The domain LoRAs in domain order (empty in a shared-only layer).
     *
     * @return the domain LoRAs, unmodifiable
     */
    public List<LoraBranch> domains() {
        return domains;
    }

    /**
     * Whether this layer has domain LoRAs (else only a shared one).
     *
     * @return true when the layer has domain LoRAs
     */
    public boolean hasDomains() {
        return !domains.isEmpty();
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, RowDomains.NONE);
    }

    /** The layer on {@code x}; a layer with domain LoRAs needs the domain of every row. */
    @Override
    public Variable forward(Variable x, RowDomains rowDomains) {
        if (merged) {
            checkRowsMatchMerge(x, rowDomains);
            return base.forward(x);
        }
        Variable h = Functional.dropout(x, dropout, isTraining(), dropoutRng);
        if (domains.isEmpty()) return apply(x, h, shared.loraA(), shared.upFactor());
        RowGroups groups = RowGroups.of(routing(x, rowDomains), domains.size());
        Variable sharedUp = shared == null ? null : shared.upFactor();
        Variable[] outputs = new Variable[groups.count()];
        for (int g = 0; g < outputs.length; g++) {
            LoraBranch own = domains.get(groups.domain(g));
            Variable down = shared == null ? own.loraA() : Variable.concat(0, shared.loraA(), own.loraA());
            Variable up = shared == null ? own.upFactor() : Variable.concat(1, sharedUp, own.upFactor());
            outputs[g] = apply(groups.gather(x, g), groups.gather(h, g), down, up);
        }
        return groups.scatter(outputs);
    }

    /**
     * The layer on rows {@code x} whose LoRA input (after dropout) is {@code h}: {@code x W^T + b + h A (s P B M)^T}.
     * Without dropout the update is added to W and the rows go through one product (see
     * {@link Functional#loraLinear}); with it, W's product and the two thin products run apart.
     */
    private Variable apply(Variable x, Variable h, Variable down, Variable up) {
        if (h == x) return Functional.loraLinear(x, base.weight(), base.bias(), down, up);
        return base.forward(x).add(Functional.linear(Functional.linear(h, down, null), up, null));
    }

    private int[] routing(Variable x, RowDomains rowDomains) {
        if (!rowDomains.known())
            throw new IllegalArgumentException(path + " has domain LoRAs but no row domains were given: pass RowDomains to forward");
        if (rowDomains.rows() != x.size(0))
            throw new IllegalArgumentException(path + ": domains of " + rowDomains.rows() + " rows were given but the input has " + x.size(0) + " rows");
        return rowDomains.toArray();
    }

    private void checkRowsMatchMerge(Variable x, RowDomains rowDomains) {
        if (domains.isEmpty()) return;
        for (int d : routing(x, rowDomains))
            if (d != mergedDomain)
                throw new IllegalStateException(path + " is merged for domain '" + domainNames.get(mergedDomain) + "' but a row of domain "
                        + (d >= 0 && d < domainNames.size() ? "'" + domainNames.get(d) + "'" : d) + " came in: unmerge first");
    }

    // ---------------------------------------------------------------- merging

    /**
     * The weight a deployed model of domain {@code domain} uses: W + shared update + that domain's update.
     *
     * @param domain the domain's routing index
     * @return W + shared update + domain update, [out, in]
     */
    public Tensor mergedWeight(int domain) {
        return base.weight().data().add(delta(domain));
    }

    /** The shared update plus {@code domain}'s (the domain is ignored in a shared-only layer). */
    private Tensor delta(int domain) {
        Tensor d = shared == null ? null : shared.delta();
        if (domains.isEmpty()) return d;
        if (domain < 0 || domain >= domains.size())
            throw new IllegalArgumentException(path + ": domain index " + domain + " out of range for domains " + domainNames);
        Tensor own = domains.get(domain).delta();
        return d == null ? own : d.add(own);
    }

    /**
     * Adds the shared update and {@code domain}'s update into W, so forward costs only the frozen layer. A copy
     * of W is kept until {@link #unmerge}: subtracting the update again would leave W off by float rounding.
     *
     * @param domain the domain's routing index
     */
    public void merge(int domain) {
        if (merged) throw new IllegalStateException(path + " is already merged: unmerge first");
        Tensor update = delta(domain);
        weightBeforeMerge = base.weight().data().copy();
        base.weight().data().addInPlace(update);
        merged = true;
        mergedDomain = domain;
    }

    /** Puts W back bit for bit as it was before {@link #merge}. */
    public void unmerge() {
        if (!merged) throw new IllegalStateException(path + " is not merged");
        base.weight().data().copyFromInPlace(weightBeforeMerge);
        weightBeforeMerge = null;
        merged = false;
    }

    /**
     * Whether W currently holds a merged update.
     *
     * @return true between {@link #merge} and {@link #unmerge}
     */
    public boolean isMerged() {
        return merged;
    }
}
