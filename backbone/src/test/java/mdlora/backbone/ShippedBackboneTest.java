package mdlora.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedBackboneTest {
    @Test
    void copiesTheCheckpointWithItsConfigsBesideIt(@TempDir Path dir) throws Exception {
        Path model = ShippedBackbone.copyTo(dir.resolve("new"));
        assertEquals(dir.resolve("new").resolve(ShippedBackbone.MODEL_FILE), model);
        for (String name : ShippedBackbone.FILES) {
            try (InputStream in = ShippedBackbone.class.getResourceAsStream(name)) {
                assertArrayEquals(in.readAllBytes(), Files.readAllBytes(model.resolveSibling(name)), name);
            }
        }
        assertTrue(Files.readString(model.resolveSibling("config.json")).contains("\"num_attention_heads\": 3"));
        assertEquals(ShippedBackbone.copyTo(dir.resolve("new")), model, "copying again replaces the files");
    }

    @Test
    void extractsIntoAFreshTemporaryFolder() throws Exception {
        Path a = ShippedBackbone.extract(), b = ShippedBackbone.extract();
        assertTrue(Files.size(a) > 1_000_000 && Files.exists(a.resolveSibling("preprocessor_config.json")));
        assertTrue(!a.getParent().equals(b.getParent()));
    }
}
