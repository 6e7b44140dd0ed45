package mdlora.lora;

/** The two kinds of LoRA beside a frozen linear layer (MTLoRA's task-agnostic and task-specific modules). */
public enum LoraKind {
    /** One LoRA trained on the rows of every domain. */
    SHARED,
    /** One LoRA per domain, trained only on that domain's rows. */
    DOMAIN
}
