package example;

import java.nio.file.Path;
import java.util.List;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.backbone.ShippedBackbone;
import mdlora.lora.LoraConfig;
import mdlora.lora.MultiDomainLora;
import mdlora.lora.Placement;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTCheckpoint;
import mdlora.nn.VisionTransformer;
import mdlora.nn.optim.AdamW;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/** Usage: EmbeddingExample ADAPTER_DIR [VIT.safetensors] */
public class EmbeddingExample {
    public static void main(String[] args) throws Exception {
        // Any timm or Hugging Face ViT checkpoint (a config.json beside it gives the attention heads), or the
        // small one mdlora ships (mdlora-backbone).
        Path vit = args.length > 1 ? Path.of(args[1]) : ShippedBackbone.extract();
        ViTCheckpoint checkpoint = ViTCheckpoint.read(vit);
        VisionTransformer backbone = new VisionTransformer(checkpoint.config().withNumClasses(0), new Rng(0));
        checkpoint.loadInto(backbone, ViTCheckpoint.Mode.BACKBONE);

        // A late-fusion video classifier with a head per domain; a shared LoRA and a LoRA per domain on its
        // backbone, which freezes (the new heads train with the LoRAs).
        var domains = List.of(new VideoClassifier.Domain("ucf101", 101), new VideoClassifier.Domain("hmdb51", 51));
        var model = new VideoClassifier(backbone, domains, 0, new Rng(1));
        var config = LoraConfig.builder().placement(Placement.upperHeavy()).rank(8).build();
        MultiDomainLora lora = model.attachLora(config, new Rng(2));

        // One training step on two clips of 4 frames, one from each domain (labels within its domain).
        int size = backbone.config().imageSize();
        Tensor clips = new Rng(3).normal(0, 1, 2, 4, 3, size, size);
        var optimizer = new AdamW(model.trainableParameters(), 1e-3, 0.01);
        Variable loss = model.forward(Variable.constant(clips), new int[] {0, 1}).loss(new int[] {7, 3}, 0f).add(lora.separationLoss());
        loss.backward();
        optimizer.step();

        // Serve one domain at the cost of the plain ViT, then keep the adapters in PEFT's layout.
        lora.merge("hmdb51");
        model.eval();
        try (var noGrad = Autograd.noGrad()) {
            Tensor logits = model.forward(Variable.constant(clips), new int[] {1, 1}).groups().getFirst().logits().data();
            System.out.println("hmdb51 classes of the two clips: " + logits.argmax(1));
        }
        lora.unmerge();
        lora.saveAdapters(Path.of(args[0]));
    }
}
