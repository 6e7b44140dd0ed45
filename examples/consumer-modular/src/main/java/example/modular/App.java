package example.modular;

import java.util.List;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.backbone.ShippedBackbone;
import mdlora.lora.LoraConfig;
import mdlora.lora.Placement;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTCheckpoint;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/** Classifies two random clips with the shipped backbone and a LoRA per domain; prints each clip's class. */
public class App {
    public static void main(String[] args) throws Exception {
        ViTCheckpoint checkpoint = ViTCheckpoint.read(ShippedBackbone.extract());
        VisionTransformer backbone = new VisionTransformer(checkpoint.config().withNumClasses(0), new Rng(0));
        checkpoint.loadInto(backbone, ViTCheckpoint.Mode.BACKBONE);
        var model = new VideoClassifier(backbone, List.of(new VideoClassifier.Domain("ucf101", 101)), 0, new Rng(1));
        model.attachLora(LoraConfig.builder().placement(Placement.upperHeavy()).rank(4).build(), new Rng(2));
        int size = backbone.config().imageSize();
        Tensor clips = new Rng(3).normal(0, 1, 2, 4, 3, size, size);
        model.eval();
        try (var noGrad = Autograd.noGrad()) {
            Tensor logits = model.forward(Variable.constant(clips), new int[] {0, 0}).groups().getFirst().logits().data();
            System.out.println("ucf101 classes of the two clips: " + logits.argmax(1));
        }
    }
}
