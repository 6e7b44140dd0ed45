package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import mdlora.autograd.Variable;
import mdlora.backbone.ShippedBackbone;
import mdlora.lora.MultiDomainLora;
import mdlora.nn.Module;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** On the module path the installed jars are the modules the README names. */
class ModuleNamesTest {
    private static String moduleName(Class<?> type) throws Exception {
        Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ModuleFinder.of(jar).findAll().stream().map(ModuleReference::descriptor).findFirst().orElseThrow().name();
    }

    @Test
    void eachLibraryJarCarriesItsModuleName() throws Exception {
        assertEquals("mdlora.tensor", moduleName(Tensor.class));
        assertEquals("mdlora.autograd", moduleName(Variable.class));
        assertEquals("mdlora.nn", moduleName(Module.class));
        assertEquals("mdlora.lora", moduleName(MultiDomainLora.class));
        assertEquals("mdlora.backbone", moduleName(ShippedBackbone.class));
    }
}
