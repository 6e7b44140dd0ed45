/**
 * Neural-network layers with timm's parameter names ({@code mdlora.nn}: {@link mdlora.nn.Module},
 * {@link mdlora.nn.Linear}, attention, {@link mdlora.nn.VisionTransformer}, {@link mdlora.nn.ViTCheckpoint}
 * for timm and Hugging Face checkpoints) and the optimisers and learning-rate schedules
 * ({@code mdlora.nn.optim}).
 */
module mdlora.nn {
    requires transitive mdlora.autograd;

    exports mdlora.nn;
    exports mdlora.nn.optim;
}
