package mdlora.lora;

/** How the LoRA factors start. */
public enum LoraInit {
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
    public String word() {
        return word;
    }

    /** The {@link #word()}: what a command line parses, completes and shows. */
    @Override
    public String toString() {
        return word;
    }

    /** The choice named {@code word} (see {@link #word()}). */
    public static LoraInit ofWord(String word) {
        for (LoraInit i : values()) if (i.word.equals(word)) return i;
        throw new IllegalArgumentException("unknown LoRA init '" + word + "'");
    }
}
