package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mdlora.lora.LoraConfig;
import mdlora.lora.MultiDomainLora;
import mdlora.lora.Placement;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTCheckpoint;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example runs against the installed artifacts, and the adapters it saved load back. */
class EmbeddingExampleTest {
    @Test
    void runsAndItsAdaptersLoadOntoTheSameBackbone(@TempDir Path dir) throws Exception {
        var vit = new VisionTransformer(new ViTConfig(32, 8, 32, 2, 2, 64, 10, 1e-6f, ViTConfig.HALF, ViTConfig.HALF), new Rng(0));
        Path checkpoint = dir.resolve("vit.safetensors"), adapters = dir.resolve("adapters");
        ViTCheckpoint.save(vit, checkpoint);
        Files.writeString(dir.resolve("config.json"), Json.write(Map.of("num_attention_heads", 2)));
        EmbeddingExample.main(new String[] {checkpoint.toString(), adapters.toString()});

        ViTCheckpoint read = ViTCheckpoint.read(checkpoint);
        VisionTransformer backbone = new VisionTransformer(read.config().withNumClasses(0), new Rng(5));
        read.loadInto(backbone, ViTCheckpoint.Mode.BACKBONE);
        var model = new VideoClassifier(backbone, List.of(new VideoClassifier.Domain("ucf101", 101), new VideoClassifier.Domain("hmdb51", 51)), 0, new Rng(6));
        var config = LoraConfig.builder().placement(Placement.upperHeavy()).rank(8).build();
        MultiDomainLora lora = model.attachLora(config, new Rng(7));
        lora.loadAdapters(adapters);
        assertTrue(lora.layers().values().stream().filter(l -> l.hasDomains()).anyMatch(l -> l.domains().get(1).delta().abs().sumAll() > 0), "the trained step came back");
    }
}
