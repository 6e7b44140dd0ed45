package example.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import mdlora.autograd.Variable;
import mdlora.backbone.ShippedBackbone;
import mdlora.lora.MultiDomainLora;
import mdlora.nn.Module;
import mdlora.tensor.Backend;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mdlora's jars are JPMS modules: a modular application requires them, and their internals stay out of its reach. */
class ModulesTest {
    private static final Map<Class<?>, Set<String>> EXPORTS = Map.of(
            Tensor.class, Set.of("mdlora.tensor", "mdlora.tensor.io", "mdlora.tensor.linalg"),
            Variable.class, Set.of("mdlora.autograd"),
            Module.class, Set.of("mdlora.nn", "mdlora.nn.optim"),
            MultiDomainLora.class, Set.of("mdlora.lora", "mdlora.lora.video"),
            ShippedBackbone.class, Set.of("mdlora.backbone"));

    @Test
    void theAppRunsAsANamedModuleOnTheModulePathWithNoFlag() throws Exception {
        assertEquals("example.modular", App.class.getModule().getName());
        assertEquals("mdlora.tensor", Tensor.class.getModule().getName());
        assertFalse(Tensor.class.getModule().getDescriptor().isAutomatic(), "mdlora.tensor is a real module, not an automatic one");
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "requiring mdlora.tensor brings the Vector API in");
        App.main(new String[0]);
    }

    @Test
    void eachModuleExportsItsApiPackagesOnly() {
        EXPORTS.forEach((type, packages) -> {
            ModuleDescriptor d = type.getModule().getDescriptor();
            assertEquals(packages, d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()), d.name());
            assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified), d.name());
        });
        java.lang.Module tensor = Tensor.class.getModule();
        assertTrue(tensor.getPackages().contains("mdlora.tensor.cpu"));
        assertFalse(tensor.isExported("mdlora.tensor.cpu", App.class.getModule()));
    }

    @Test
    void theKernelsAreReachedOnlyThroughTheBackendService() throws Exception {
        Class<?> backend = Class.forName("mdlora.tensor.cpu.VectorBackend");
        assertThrows(IllegalAccessException.class, () -> backend.getConstructor().newInstance(), "a public class of an unexported package");
        assertEquals(backend, Backend.current().getClass(), "the service the module provides");
    }

    @Test
    void codeUsingAnInternalPackageDoesNotCompile(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/probe"));
        Files.writeString(dir.resolve("src/module-info.java"), "module probe { requires mdlora.tensor; }");
        Files.writeString(src.resolve("Probe.java"), "package probe; class Probe { mdlora.tensor.cpu.Gemm gemm; mdlora.tensor.Tensor fine; }");
        // javac as a separate process: this module reads no java.compiler, and needs none.
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        Process p = new ProcessBuilder(javac.toString(), "--module-path", System.getProperty("jdk.module.path"),
                "-d", dir.resolve("classes").toString(), dir.resolve("src/module-info.java").toString(), src.resolve("Probe.java").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("package mdlora.tensor.cpu is not visible"), out);
        assertTrue(out.contains("does not export it"), out);
        assertEquals(1, out.lines().filter(l -> l.contains("error:")).count(), "only the internal package is refused:\n" + out);
    }
}
