package mdlora.lora;

import java.util.Map;

/**
 * Every knob of the multi-domain LoRA (maths: package documentation), with the paper's settings as defaults: upper-heavy
 * placement, rank 32, subspace constraints at tau 0.95, L_orth weight 1 and L_ss weight 1e-7.
 *
 * @param placement which layers get which kinds of LoRA
 * @param sharedRank rank of the shared LoRAs
 * @param domainRank rank of the domain LoRAs, unless {@code domainRanks} names the domain
 * @param domainRanks per-domain rank overrides (MTLoRA lets them differ)
 * @param sharedAlpha shared scale numerator: s = alpha / r (rsLoRA: alpha / sqrt r)
 * @param domainAlpha domain scale numerator
 * @param rsLora scale by alpha / sqrt r instead of alpha / r
 * @param trainableScales make each LoRA's scale a trainable scalar starting at its fixed value (MTLoRA)
 * @param dropout dropout probability on the LoRA input
 * @param constrainShared keep the shared update in col(W) (Takama et al.), in layers that also have domain LoRAs
 * @param constrainDomains keep each domain update in the left null space of W (Takama et al.)
 * @param tau cumulative energy C_k that fixes k, the dimension of col(W)
 * @param fullNullSpace use all of I - U_m U_m^T as the domains' subspace, not only the remaining singular vectors
 * @param init how A and B start
 * @param mixer whether each LoRA has a MoSLoRA mixer, and how it starts
 * @param lambdaOrth weight of L_orth in {@link MultiDomainLora#separationLoss()} (0: off)
 * @param lambdaSeparation weight of L_ss (0: off)
 * @param unfreezeNorms train the layer norms too (MTLoRA §3.4)
 * @param unfreezePatchEmbed train the patch embedding too
 * @param unfreezePosEmbed train the position embedding too
 */
public record LoraConfig(
        Placement placement,
        int sharedRank,
        int domainRank,
        Map<String, Integer> domainRanks,
        float sharedAlpha,
        float domainAlpha,
        boolean rsLora,
        boolean trainableScales,
        float dropout,
        boolean constrainShared,
        boolean constrainDomains,
        double tau,
        boolean fullNullSpace,
        LoraInit init,
        MixerInit mixer,
        float lambdaOrth,
        float lambdaSeparation,
        boolean unfreezeNorms,
        boolean unfreezePatchEmbed,
        boolean unfreezePosEmbed) {

    /** Checks every component; the messages name the one out of range. */
    public LoraConfig {
        domainRanks = Map.copyOf(domainRanks);
        positive("sharedRank", sharedRank);
        positive("domainRank", domainRank);
        domainRanks.forEach((d, r) -> positive("rank of domain '" + d + "'", r));
        finite("sharedAlpha", sharedAlpha);
        finite("domainAlpha", domainAlpha);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("tau must be in (0, 1], got " + tau);
        if (!(lambdaOrth >= 0) || !(lambdaSeparation >= 0) || Float.isInfinite(lambdaOrth) || Float.isInfinite(lambdaSeparation))
            throw new IllegalArgumentException("lambdaOrth and lambdaSeparation must be finite and >= 0, got " + lambdaOrth + " and " + lambdaSeparation);
        if (placement == null || init == null || mixer == null) throw new IllegalArgumentException("placement, init and mixer must be given");
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be positive, got " + v);
    }

    private static void finite(String what, float v) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException(what + " must be finite, got " + v);
    }

    /** The paper's settings, those of {@link #builder()}: the defaults every front end (the launcher's knobs included) starts from. */
    public static final LoraConfig DEFAULTS = builder().build();

    /**
     * A builder starting from the paper's settings.
     *
     * @return a new builder holding {@link #DEFAULTS}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from this configuration.
     *
     * @return a new builder holding this configuration's components
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The rank of the LoRA of {@code kind} (and {@code domain} for a domain LoRA).
     *
     * @param kind shared or domain
     * @param domain the domain's name (ignored for {@link LoraKind#SHARED})
     * @return the rank r, positive
     */
    public int rank(LoraKind kind, String domain) {
        return kind == LoraKind.SHARED ? sharedRank : domainRanks.getOrDefault(domain, domainRank);
    }

    /**
     * The fixed scale s = alpha / r (rsLoRA: alpha / sqrt r) of a LoRA of {@code kind} and rank {@code rank}.
     *
     * @param kind shared or domain (picks the alpha)
     * @param rank the LoRA's rank r
     * @return s = alpha / r, or alpha / sqrt r with {@code rsLora}
     */
    public float scale(LoraKind kind, int rank) {
        float alpha = kind == LoraKind.SHARED ? sharedAlpha : domainAlpha;
        return (float) (alpha / (rsLora ? Math.sqrt(rank) : rank));
    }

    /**
     * Whether LoRAs of {@code kind} are held to a subspace (in layers with both kinds).
     *
     * @param kind shared or domain
     * @return {@code constrainShared} or {@code constrainDomains}
     */
    public boolean constrains(LoraKind kind) {
        return kind == LoraKind.SHARED ? constrainShared : constrainDomains;
    }

    /** Mutable staging for a {@link LoraConfig}: each setter sets the component of its name and returns the builder. */
    public static final class Builder {
        private Placement placement = Placement.upperHeavy();
        private int sharedRank = 32, domainRank = 32;
        private Map<String, Integer> domainRanks = Map.of();
        private float sharedAlpha = 32, domainAlpha = 32;
        private boolean rsLora, trainableScales;
        private float dropout;
        private boolean constrainShared = true, constrainDomains = true;
        private double tau = 0.95;
        private boolean fullNullSpace;
        private LoraInit init = LoraInit.LORA;
        private MixerInit mixer = MixerInit.NONE;
        private float lambdaOrth = 1, lambdaSeparation = 1e-7f;
        private boolean unfreezeNorms, unfreezePatchEmbed, unfreezePosEmbed;

        private Builder() {}

        private Builder(LoraConfig c) {
            placement = c.placement; sharedRank = c.sharedRank; domainRank = c.domainRank; domainRanks = c.domainRanks;
            sharedAlpha = c.sharedAlpha; domainAlpha = c.domainAlpha; rsLora = c.rsLora; trainableScales = c.trainableScales;
            dropout = c.dropout; constrainShared = c.constrainShared; constrainDomains = c.constrainDomains; tau = c.tau;
            fullNullSpace = c.fullNullSpace; init = c.init; mixer = c.mixer; lambdaOrth = c.lambdaOrth;
            lambdaSeparation = c.lambdaSeparation; unfreezeNorms = c.unfreezeNorms; unfreezePatchEmbed = c.unfreezePatchEmbed;
            unfreezePosEmbed = c.unfreezePosEmbed;
        }

        /**
         * Which layers get which kinds of LoRA.
         *
         * @param p the placement
         * @return this builder
         */
        public Builder placement(Placement p) { placement = p; return this; }
        /**
         * Sets the shared and the default domain rank, and both alphas to the same value (scale 1).
         *
         * @param r rank of every LoRA, positive
         * @return this builder
         */
        public Builder rank(int r) { sharedRank = r; domainRank = r; sharedAlpha = r; domainAlpha = r; return this; }
        /**
         * The shared LoRA's rank.
         *
         * @param r shared rank, positive
         * @return this builder
         */
        public Builder sharedRank(int r) { sharedRank = r; return this; }
        /**
         * The domain LoRAs' rank, for domains {@code domainRanks} does not name.
         *
         * @param r default domain rank, positive
         * @return this builder
         */
        public Builder domainRank(int r) { domainRank = r; return this; }
        /**
         * Ranks of particular domains, by name.
         *
         * @param ranks domain name to rank (each positive); copied on build
         * @return this builder
         */
        public Builder domainRanks(Map<String, Integer> ranks) { domainRanks = ranks; return this; }
        /**
         * Sets both alphas.
         *
         * @param a alpha of shared and domain LoRAs, finite
         * @return this builder
         */
        public Builder alpha(float a) { sharedAlpha = a; domainAlpha = a; return this; }
        /**
         * The shared LoRA's alpha (scale alpha / r).
         *
         * @param a shared alpha, finite
         * @return this builder
         */
        public Builder sharedAlpha(float a) { sharedAlpha = a; return this; }
        /**
         * The domain LoRAs' alpha (scale alpha / r).
         *
         * @param a domain alpha, finite
         * @return this builder
         */
        public Builder domainAlpha(float a) { domainAlpha = a; return this; }
        /**
         * rsLoRA's scale alpha / sqrt r instead of alpha / r.
         *
         * @param on scale by alpha / sqrt r
         * @return this builder
         */
        public Builder rsLora(boolean on) { rsLora = on; return this; }
        /**
         * Whether the scales train along with the factors.
         *
         * @param on make the scales trainable (MTLoRA)
         * @return this builder
         */
        public Builder trainableScales(boolean on) { trainableScales = on; return this; }
        /**
         * Dropout on each LoRA's input, in [0, 1).
         *
         * @param p dropout probability, in [0, 1)
         * @return this builder
         */
        public Builder dropout(float p) { dropout = p; return this; }
        /**
         * Turns both subspace constraints on or off.
         *
         * @param on hold both kinds to their subspaces
         * @return this builder
         */
        public Builder subspaceConstraints(boolean on) { constrainShared = on; constrainDomains = on; return this; }
        /**
         * Whether the shared LoRA is held to col(W) (in layers with domain LoRAs too).
         *
         * @param on hold the shared LoRA to col(W)
         * @return this builder
         */
        public Builder constrainShared(boolean on) { constrainShared = on; return this; }
        /**
         * Whether the domain LoRAs are held to the left null space of W.
         *
         * @param on hold the domain LoRAs to the left null space of W
         * @return this builder
         */
        public Builder constrainDomains(boolean on) { constrainDomains = on; return this; }
        /**
         * The cumulative energy that fixes the dimension of col(W), in (0, 1].
         *
         * @param t cumulative energy C_k, in (0, 1]
         * @return this builder
         */
        public Builder tau(double t) { tau = t; return this; }
        /**
         * Whether the domains' subspace is all of I - U_m U_m^T rather than the remaining singular vectors.
         *
         * @param on use all of I - U_m U_m^T
         * @return this builder
         */
        public Builder fullNullSpace(boolean on) { fullNullSpace = on; return this; }
        /**
         * How A and B start.
         *
         * @param i initialisation of A and B
         * @return this builder
         */
        public Builder init(LoraInit i) { init = i; return this; }
        /**
         * Whether each LoRA has a MoSLoRA mixer, and how it starts.
         *
         * @param m mixer initialisation ({@link MixerInit#NONE}: no mixer)
         * @return this builder
         */
        public Builder mixer(MixerInit m) { mixer = m; return this; }
        /**
         * The weight of L_orth (0: off).
         *
         * @param l L_orth weight, finite and &gt;= 0
         * @return this builder
         */
        public Builder lambdaOrth(float l) { lambdaOrth = l; return this; }
        /**
         * The weight of L_ss (0: off).
         *
         * @param l L_ss weight, finite and &gt;= 0
         * @return this builder
         */
        public Builder lambdaSeparation(float l) { lambdaSeparation = l; return this; }
        /**
         * Whether the layer norms train too.
         *
         * @param on train the layer norms
         * @return this builder
         */
        public Builder unfreezeNorms(boolean on) { unfreezeNorms = on; return this; }
        /**
         * Whether the patch embedding trains too.
         *
         * @param on train the patch embedding
         * @return this builder
         */
        public Builder unfreezePatchEmbed(boolean on) { unfreezePatchEmbed = on; return this; }
        /**
         * Whether the position embedding trains too.
         *
         * @param on train the position embedding
         * @return this builder
         */
        public Builder unfreezePosEmbed(boolean on) { unfreezePosEmbed = on; return this; }

        /**
         * The configuration, every component checked (see {@link LoraConfig#LoraConfig}).
         *
         * @return the new configuration
         * @throws IllegalArgumentException if a component is out of range
         */
        public LoraConfig build() {
            return new LoraConfig(placement, sharedRank, domainRank, domainRanks, sharedAlpha, domainAlpha, rsLora, trainableScales,
                    dropout, constrainShared, constrainDomains, tau, fullNullSpace, init, mixer, lambdaOrth, lambdaSeparation,
                    unfreezeNorms, unfreezePatchEmbed, unfreezePosEmbed);
        }
    }
}
