package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import mdlora.backbone.ShippedBackbone;
import mdlora.lora.LoraConfig;
import mdlora.lora.MultiDomainLora;
import mdlora.lora.Placement;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTCheckpoint;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example runs against the installed artifacts, and the adapters it saved load back. */
class EmbeddingExampleTest {
    @Test
    void runsOnTheShippedBackboneAndItsAdaptersLoadBack(@TempDir Path dir) throws Exception {
        Path adapters = dir.resolve("adapters");
        EmbeddingExample.main(new String[] {adapters.toString()});

        ViTCheckpoint read = ViTCheckpoint.read(ShippedBackbone.copyTo(dir.resolve("backbone")));
        VisionTransformer backbone = new VisionTransformer(read.config().withNumClasses(0), new Rng(5));
        read.loadInto(backbone, ViTCheckpoint.Mode.BACKBONE);
        var model = new VideoClassifier(backbone, List.of(new VideoClassifier.Domain("ucf101", 101), new VideoClassifier.Domain("hmdb51", 51)), 0, new Rng(6));
        var config = LoraConfig.builder().placement(Placement.upperHeavy()).rank(8).build();
        MultiDomainLora lora = model.attachLora(config, new Rng(7));
        lora.loadAdapters(adapters);
        assertTrue(lora.layers().values().stream().filter(l -> l.hasDomains()).anyMatch(l -> l.domains().get(1).delta().abs().sumAll() > 0), "the trained step came back");
    }
}
