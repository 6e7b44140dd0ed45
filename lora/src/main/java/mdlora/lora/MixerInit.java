package mdlora.lora;

/** The MoSLoRA r x r mixer between A and B, and how it starts (NONE: no mixer, plain LoRA). */
public enum MixerInit {
    NONE,
    /** PyTorch's default for a linear weight: uniform in +-1/sqrt(r). */
    KAIMING_UNIFORM,
    /** A random orthogonal matrix (QR of a Gaussian one, as {@code torch.nn.init.orthogonal_}). */
    ORTHOGONAL,
    /** The identity: starts exactly as plain LoRA. (A zero mixer would never train: its gradients to A and B vanish.) */
    IDENTITY
}
