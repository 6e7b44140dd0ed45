/**
 * The small image-pretrained ViT mdlora ships, the backbone {@code mdlora demo} starts from: a timm-named
 * {@code model.safetensors} with its Hugging Face {@code config.json} and {@code preprocessor_config.json}.
 * {@link mdlora.backbone.ShippedBackbone} copies it out of the jar for {@code mdlora.nn.ViTCheckpoint} to read.
 * Depends on the JDK only.
 */
module mdlora.backbone {
    exports mdlora.backbone;
}
