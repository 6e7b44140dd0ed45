package mdlora.bench;

import java.util.List;

/**
 * W6, the paper's own setting: one training step of ViT-B/16 at 224 px, 2 clips x 8 frames, upper-heavy
 * shared + domain LoRA r=32 with subspace constraints, AdamW (see {@link VideoLoraModel}); ms best of 3,
 * its peak heap, the forward alone under no-grad, and the peak heap of one step at the paper's batch of
 * 8 clips x 8 frames with per-block activation recomputation (what must fit a 24 GiB machine).
 */
public final class VitBaseWorkload implements Workload {
    @Override
    public String id() {
        return "W6";
    }

    @Override
    public String description() {
        return "ViT-B/16 2x8x224 upper-heavy MD-LoRA r32: train step and no-grad forward (ms best of 3; MFU; peak heap MiB vs PyTorch's peak RSS)";
    }

    @Override
    public List<Figure> run() {
        VideoLoraModel.Setting setting = VideoLoraModel.Setting.BASE;
        VideoLoraModel m = new VideoLoraModel(setting);
        double step = Timing.bestOf(3, m::trainStep);
        double peakHeap = VideoLoraModel.peakHeapMib(m::trainStep);
        long params = m.trainableParameters();
        double infer = Timing.bestOf(3, m::infer);
        m = null; // the 2-clip model is garbage before the 8-clip one is built
        // the paper's batch, 8 clips x 8 frames, with each block's activations recomputed in the backward pass
        VideoLoraModel paperBatch = new VideoLoraModel(setting.withClips(8)).recomputeActivations(true);
        double paperHeap = VideoLoraModel.peakHeapMib(paperBatch::trainStep);
        return List.of(
                Figure.cost("W6_step_ms", step * 1e3, "vit_b16_mdlora_train_step_2x8x224_ms"),
                Figure.mfu("W6_mfu", setting.trainFlops(), step, "vit_b16_mdlora_train_step_2x8x224_ms"),
                Figure.cost("W6_infer_ms", infer * 1e3, "vit_b16_mdlora_infer_2x8x224_ms"),
                Figure.mfu("W6_infer_mfu", setting.forwardFlops(), infer, "vit_b16_mdlora_infer_2x8x224_ms"),
                Figure.cost("W6_peak_heap_mib", peakHeap, TorchReference.PEAK_RSS_KEY),
                Figure.cost("W6_trainable_params", params, "vit_b16_trainable_params"),
                Figure.cost("W6_8x8_recompute_peak_heap_mib", paperHeap, null));
    }
}
