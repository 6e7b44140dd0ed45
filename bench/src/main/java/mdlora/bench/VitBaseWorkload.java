package mdlora.bench;

import java.util.List;

/**
 * W6, the paper's own setting: one training step of ViT-B/16 at 224 px, 2 clips x 8 frames, upper-heavy
 * shared + domain LoRA r=32 with subspace constraints, AdamW (see {@link VideoLoraModel}); ms best of 3,
 * its peak heap, and the forward alone under no-grad.
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
        double infer = Timing.bestOf(3, m::infer);
        return List.of(
                Figure.cost("W6_step_ms", step * 1e3, "vit_b16_mdlora_train_step_2x8x224_ms"),
                Figure.mfu("W6_mfu", 2 * setting.forwardFlops(), step, "vit_b16_mdlora_train_step_2x8x224_ms"),
                Figure.cost("W6_infer_ms", infer * 1e3, "vit_b16_mdlora_infer_2x8x224_ms"),
                Figure.mfu("W6_infer_mfu", setting.forwardFlops(), infer, "vit_b16_mdlora_infer_2x8x224_ms"),
                Figure.cost("W6_peak_heap_mib", peakHeap, TorchReference.PEAK_RSS_KEY),
                Figure.cost("W6_trainable_params", m.trainableParameters(), "vit_b16_trainable_params"));
    }
}
