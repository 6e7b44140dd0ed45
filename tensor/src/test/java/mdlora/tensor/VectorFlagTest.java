package mdlora.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A JVM started without the Vector API module gets one line naming the flag, not a class-loading error. */
class VectorFlagTest {
    /** Run in a child JVM started without {@code --add-modules=jdk.incubator.vector}. */
    public static void main(String[] args) {
        try {
            Tensor.ones(2, 2).add(Tensor.ones(2, 2));
            System.out.println("ran without the flag");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
    }

    @Test
    void aMissingVectorModuleIsNamedWithItsFlag() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // On the class path, as a non-modular application runs it (on the module path mdlora.tensor requires the module).
        String classPath = location(Tensor.class) + File.pathSeparator + location(VectorFlagTest.class);
        Process p = new ProcessBuilder(java, "-cp", classPath, VectorFlagTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("--add-modules=jdk.incubator.vector") && !out.contains("NoClassDefFoundError"), out);
    }

    /** The folder (or jar) {@code type} was loaded from: the main classes, or the test classes patched into the module. */
    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
