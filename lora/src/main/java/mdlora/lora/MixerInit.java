package mdlora.lora;

/** The MoSLoRA r x r mixer between A and B, and how it starts (NONE: no mixer, plain LoRA). */
public enum MixerInit implements ConfigWord {
    /** No mixer: plain LoRA. */
    NONE("none"),
    /** PyTorch's default for a linear weight: uniform in +-1/sqrt(r). */
    KAIMING_UNIFORM("kaiming"),
    /** A random orthogonal matrix (QR of a Gaussian one, as {@code torch.nn.init.orthogonal_}). */
    ORTHOGONAL("orthogonal"),
    /** The identity: starts exactly as plain LoRA. (A zero mixer would never train: its gradients to A and B vanish.) */
    IDENTITY("identity");

    private final String word;

    MixerInit(String word) {
        this.word = word;
    }

    /** The word for this choice in config files and on the command line, e.g. {@code kaiming}. */
    @Override
    public String word() {
        return word;
    }

    /** The {@link #word()}: what a command line parses, completes and shows. */
    @Override
    public String toString() {
        return word;
    }
}
