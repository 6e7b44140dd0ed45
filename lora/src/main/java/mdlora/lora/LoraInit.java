package mdlora.lora;

/** How the LoRA factors start. */
public enum LoraInit implements ConfigWord {
    /** LoRA's own: A Kaiming uniform, B zero, so the model starts as the frozen backbone. */
    LORA("lora"),
    /**
     * Takama et al. §3.2: A and B both Kaiming uniform, the columns of B projected once into the LoRA's subspace
     * (so no component the constraint would ignore is left in the raw B).
     */
    SUBSPACE_RANDOM("paper");

    private final String word;

    LoraInit(String word) {
        this.word = word;
    }

    /** The word for this choice in config files and on the command line: {@code lora} or {@code paper}. */
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
