package mdlora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mdlora.nn.ViTCheckpoint;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Embedding" example is this folder's EmbeddingExample, and it runs. */
class EmbeddingExampleTest {
    private static final Path SOURCE = Path.of("src/test/java/mdlora/launcher/EmbeddingExample.java"), README = Path.of("../README.md");

    @Test
    void runsOnATimmCheckpoint(@TempDir Path dir) throws Exception {
        var vit = new VisionTransformer(new ViTConfig(32, 8, 32, 2, 2, 64, 10, 1e-6f, ViTConfig.HALF, ViTConfig.HALF), new Rng(0));
        Path checkpoint = dir.resolve("vit.safetensors");
        ViTCheckpoint.save(vit, checkpoint);
        Files.writeString(dir.resolve("config.json"), Json.write(Map.of("num_attention_heads", 2)));
        EmbeddingExample.main(new String[] {checkpoint.toString(), dir.resolve("adapters").toString()});
        for (String adapter : new String[] {"shared", "ucf101", "hmdb51"})
            assertTrue(Files.exists(dir.resolve("adapters").resolve(adapter).resolve("adapter_model.safetensors")), adapter);
    }

    @Test
    void readmeShowsTheExampleAsItIs() throws Exception {
        String source = Files.readString(SOURCE);
        String code = source.substring(source.indexOf("import "));
        String readme = Files.readString(README);
        int start = readme.indexOf("```java\n"), end = readme.indexOf("```\n", start + 8);
        assertTrue(start >= 0 && end > start, "README.md has no ```java block");
        assertEquals(code, readme.substring(start + "```java\n".length(), end));
    }
}
