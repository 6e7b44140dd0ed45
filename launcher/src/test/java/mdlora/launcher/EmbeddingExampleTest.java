package mdlora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "Embedding" example is the consumer project's EmbeddingExample (which that project runs). */
class EmbeddingExampleTest {
    private static final Path SOURCE = Path.of("../examples/consumer/src/main/java/example/EmbeddingExample.java"), README = Path.of("../README.md");

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
