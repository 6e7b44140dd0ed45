package mdlora.bench;

import java.util.List;

/** W3: one training step of the multi-domain LoRA video model (see {@link VideoLoraModel}); ms best of 5, and its peak heap. */
public final class TrainStepWorkload implements Workload {
    @Override
    public String id() {
        return "W3";
    }

    @Override
    public String description() {
        return "ViT-Tiny/16 4x8x112 all-flat MD-LoRA r32: forward + backward + AdamW (ms best of 5; MFU vs PyTorch folded; peak heap MiB vs PyTorch's peak RSS)";
    }

    @Override
    public List<Figure> run() {
        VideoLoraModel m = new VideoLoraModel(VideoLoraModel.Setting.TINY);
        double seconds = Timing.bestOf(5, m::trainStep);
        double flops = VideoLoraModel.Setting.TINY.trainFlops();
        return List.of(
                Figure.cost("W3_step_ms", seconds * 1e3, "vit_tiny_mdlora_train_step_4x8x112_ms"),
                Figure.cost("W3_step_vs_folded_ms", seconds * 1e3, "vit_tiny_mdlora_train_step_4x8x112_folded_ms"),
                Figure.mfu("W3_mfu", flops, seconds, "vit_tiny_mdlora_train_step_4x8x112_folded_ms"),
                Figure.cost("W3_peak_heap_mib", VideoLoraModel.peakHeapMib(m::trainStep), TorchReference.PEAK_RSS_KEY),
                Figure.cost("W3_trainable_params", m.trainableParameters(), "vit_tiny_trainable_params"));
    }
}
