package mdlora.bench.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The modules' dependencies point one way, as README's "Architecture" section draws them, and no two packages
 * depend on each other (directly or round a loop), read from the main sources of every module.
 */
class ArchitectureTest {
    /** What each module may use besides itself: tensor <- autograd <- nn <- lora <- launcher; tensor <- video <- launcher; backbone <- launcher; launcher <- cluster; bench on top. */
    static final Map<String, Set<String>> MAY_USE = Map.of(
            "tensor", Set.of(),
            "autograd", Set.of("tensor"),
            "nn", Set.of("tensor", "autograd"),
            "video", Set.of("tensor"),
            "backbone", Set.of(),
            "lora", Set.of("tensor", "autograd", "nn"),
            "launcher", Set.of("tensor", "autograd", "nn", "lora", "video", "backbone"),
            "cluster", Set.of("tensor", "autograd", "nn", "lora", "video", "backbone", "launcher"),
            "bench", Set.of("tensor", "autograd", "nn", "lora", "video", "backbone"));

    private static final PackageGraph GRAPH = PackageGraph.ofSources(root());

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        Path root = Files.isDirectory(dir.resolve("tensor")) ? dir : dir.getParent(); // surefire runs in bench/
        assertTrue(Files.isDirectory(root.resolve("tensor/src/main/java")), "no project root at " + root);
        return root;
    }

    @Test
    void everyModuleHasAPlaceInTheOrder() {
        for (String module : Set.copyOf(GRAPH.modules().values()))
            assertTrue(MAY_USE.containsKey(module), "module '" + module + "' is not in ArchitectureTest.MAY_USE (nor README's Architecture)");
        assertTrue(GRAPH.modules().size() > 10, "the scan found only " + GRAPH.modules().keySet());
    }

    @Test
    void modulesDependOnlyOnModulesBelowThem() {
        List<String> upward = new ArrayList<>();
        for (String edge : GRAPH.moduleEdges()) {
            String[] parts = edge.split(" ");
            if (!MAY_USE.getOrDefault(parts[0], Set.of()).contains(parts[2])) upward.add(edge);
        }
        assertEquals(List.of(), upward, "dependencies against the declared order");
    }

    @Test
    void noPackageDependsOnItselfRoundALoop() {
        assertEquals(List.of(), GRAPH.cycles(), "package cycles");
    }
}
