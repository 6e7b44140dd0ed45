package mdlora.lora;

/** How the LoRA factors start. */
public enum LoraInit {
    /** LoRA's own: A Kaiming uniform, B zero, so the model starts as the frozen backbone. */
    LORA,
    /**
     * Paper 000 §3.2: A and B both Kaiming uniform, the columns of B projected once into the LoRA's subspace
     * (so no component the constraint would ignore is left in the raw B).
     */
    SUBSPACE_RANDOM
}
