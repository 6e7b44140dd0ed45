/**
 * Multi-domain LoRA ({@code mdlora.lora}: {@link mdlora.lora.MultiDomainLora}, {@link mdlora.lora.LoraConfig},
 * {@link mdlora.lora.Placement}; shared and per-domain adapters, subspace constraints, mixers, merging,
 * PEFT-layout adapter files) and the late-fusion video classifier it fine-tunes
 * ({@code mdlora.lora.video}).
 */
module mdlora.lora {
    requires transitive mdlora.nn;

    exports mdlora.lora;
    exports mdlora.lora.video;
}
