package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeExportTest {
    /** All-flat, constrained, mixed, randomly started: every path of the merge carries signal. */
    private static MultiDomainLora trainedLooking(VideoClassifier model) {
        LoraConfig c = LoraConfig.builder().placement(Placement.allFlat()).rank(3).init(LoraInit.SUBSPACE_RANDOM)
                .mixer(MixerInit.KAIMING_UNIFORM).trainableScales(true).tau(0.9).build();
        return model.attachLora(c, new Rng(2));
    }

    private static Tensor logits(VideoClassifier model, Variable clips, int domain) {
        try (var ignored = Autograd.noGrad()) {
            return model.forward(clips, new int[] {domain, domain}).groups().get(0).logits().data();
        }
    }

    @Test
    void mergedForwardEqualsUnmergedAndUnmergeRestoresW() {
        VideoClassifier model = TinyVideo.model(1);
        MultiDomainLora lora = trainedLooking(model);
        Map<String, Tensor> before = new HashMap<>();
        lora.layers().forEach((p, l) -> before.put(p, l.base().weight().data().copy()));
        Variable clips = TinyVideo.clips(2, 3);
        Tensor unmerged = logits(model, clips, 1);
        lora.merge("hmdb51");
        assertTrue(logits(model, clips, 1).allClose(unmerged, 1e-5, 1e-5));
        lora.unmerge();
        lora.layers().forEach((p, l) -> assertTrue(l.base().weight().data().allClose(before.get(p), 0, 1e-6), p));
        assertTrue(logits(model, clips, 1).allClose(unmerged, 1e-6, 1e-6));
    }

    @Test
    void exportedDomainModelLoadsIntoAPlainViTAndGivesTheSameLogits(@TempDir Path dir) throws Exception {
        VideoClassifier model = TinyVideo.model(1);
        MultiDomainLora lora = trainedLooking(model);
        Path file = dir.resolve("ucf101.safetensors");
        lora.exportMerged("ucf101", file);
        VisionTransformer plain = new VisionTransformer(TinyVideo.VIT.withNumClasses(5), new Rng(99));
        Map<String, Tensor> state = new HashMap<>();
        try (var f = SafetensorsFile.open(file)) {
            for (String name : f.names()) state.put(name, f.tensor(name));
        }
        plain.loadStateDict(model.deployedStateDict(state, 0), true);
        Variable clips = TinyVideo.clips(2, 4);
        Tensor expected = logits(model, clips, 0);
        try (var ignored = Autograd.noGrad()) {
            // the head is affine, so the mean of the per-frame logits is the head of the mean feature
            Tensor perFrame = plain.forward(clips.reshape(4, 3, 16, 16)).data();
            assertTrue(perFrame.reshape(2, 2, 5).mean(1).allClose(expected, 1e-4, 1e-5));
        }
    }
}
