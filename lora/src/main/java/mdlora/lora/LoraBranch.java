package mdlora.lora;

import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.nn.Module;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * One low-rank update beside a frozen linear W [out, in]: dW = s P B M A^T (maths: package documentation), with the optional
 * subspace projector P and MoSLoRA mixer M. Parameters are stored in PEFT's layout: {@code lora_A} [r, in]
 * holds A^T, {@code lora_B} [out, r] holds B; {@code lora_M} [r, r] is the mixer, {@code lora_scale} [1]
 * the scale when it trains.
 */
public final class LoraBranch extends Module {
    private final Variable loraA;
    private final Variable loraB;
    private final Variable mixer;
    private final Variable trainableScale;
    private final float scale;
    private final Subspace subspace;

    /**
     * A rank-{@code rank} update of an [out, in] weight with scale {@code scale}, held to {@code subspace}
     * (null: unconstrained), started as {@code init} says.
     *
     * @param in input features of W
     * @param out output features of W
     * @param rank r, positive
     * @param scale s: alpha / r, or alpha / sqrt r (rsLoRA)
     * @param trainableScale whether s trains (MTLoRA), starting at {@code scale}
     * @param subspace the projector P's subspace of R^out, or null
     * @param init how A and B start
     * @param mixerInit how the MoSLoRA mixer M starts ({@link MixerInit#NONE}: no mixer)
     * @param rng draws the initial factors
     */
    public LoraBranch(int in, int out, int rank, float scale, boolean trainableScale, Subspace subspace,
                      LoraInit init, MixerInit mixerInit, Rng rng) {
        if (subspace != null && subspace.ambientDimension() != out)
            throw new IllegalArgumentException("a subspace of R^" + subspace.ambientDimension() + " for a LoRA with " + out + " outputs");
        this.scale = scale;
        this.subspace = subspace;
        // PEFT's init of lora_A: kaiming_uniform_(a=sqrt 5), bound 1/sqrt(in).
        this.loraA = registerParameter("lora_A", rng.kaimingUniform(in, rank, in));
        Tensor b = init == LoraInit.LORA ? Tensor.zeros(out, rank) : rng.kaimingUniform(rank, out, rank);
        this.loraB = registerParameter("lora_B", subspace == null ? b : subspace.project(b));
        this.mixer = mixerInit == MixerInit.NONE ? null : registerParameter("lora_M", initialMixer(mixerInit, rank, rng));
        this.trainableScale = trainableScale ? registerParameter("lora_scale", Tensor.scalar(scale).reshape(1)) : null;
    }

    private static Tensor initialMixer(MixerInit init, int r, Rng rng) {
        return switch (init) {
            case KAIMING_UNIFORM -> rng.kaimingUniform(r, r, r);
            case ORTHOGONAL -> Orthogonal.random(r, rng);
            case IDENTITY -> Tensor.eye(r);
            case NONE -> throw new IllegalArgumentException("no mixer to initialise");
        };
    }

    /**
     * r, the rank of the update.
     *
     * @return r
     */
    public int rank() {
        return loraA.size(0);
    }

    /**
     * lora_A [r, in], A^T in the package documentation's notation.
     *
     * @return the parameter {@code lora_A}, [r, in]
     */
    public Variable loraA() {
        return loraA;
    }

    /**
     * lora_B [out, r], the raw B (before projection).
     *
     * @return the parameter {@code lora_B}, [out, r]
     */
    public Variable loraB() {
        return loraB;
    }

    /**
     * lora_M [r, r], or null without a mixer.
     *
     * @return the parameter {@code lora_M}, [r, r], or null
     */
    public Variable mixer() {
        return mixer;
    }

    /**
     * The trainable scale [1], or null when the scale is fixed.
     *
     * @return the parameter {@code lora_scale}, [1], or null
     */
    public Variable trainableScale() {
        return trainableScale;
    }

    /**
     * The subspace the update is held to, or null.
     *
     * @return the subspace, or null when unconstrained
     */
    public Subspace subspace() {
        return subspace;
    }

    /**
     * The current scale s (the trained value when scales train).
     *
     * @return s
     */
    public float scale() {
        return trainableScale == null ? scale : trainableScale.data().item();
    }

    /**
     * The fixed scale the configuration gave (the starting value of a trainable one).
     *
     * @return the configured s
     */
    public float configuredScale() {
        return scale;
    }

    /**
     * P B [out, r], the effective B that the separation losses act on; B itself when unconstrained.
     *
     * @return P B, [out, r]
     */
    public Variable projectedB() {
        return subspace == null ? loraB : subspace.project(loraB);
    }

    /**
     * s P B M [out, r]: everything after A^T folded into one factor, so the update of n tokens costs two
     * thin products (x A, then times this) and the projection and mixer cost d*k*r and d*r*r once per call,
     * never per token.
     *
     * @return s P B M, [out, r], in the graph
     */
    public Variable upFactor() {
        Variable up = projectedB();
        if (mixer != null) up = up.matmul(mixer);
        return trainableScale == null ? up.mul(scale) : up.mul(trainableScale);
    }

    /**
     * The value of {@link #upFactor()}, without a graph.
     *
     * @return s P B M, [out, r]
     */
    public Tensor upFactorValue() {
        try (var ignored = Autograd.noGrad()) {
            return upFactor().data();
        }
    }

    /**
     * dW = s P B M A^T [out, in], the update this branch adds to W (no graph).
     *
     * @return dW, [out, in]
     */
    public Tensor delta() {
        return upFactorValue().matmul(loraA.data());
    }
}
