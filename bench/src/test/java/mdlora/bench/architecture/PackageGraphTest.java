package mdlora.bench.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker itself, on small made-up graphs and source trees. */
class PackageGraphTest {
    @Test
    void findsEachCycleOnceAndNothingInAnAcyclicGraph() {
        PackageGraph g = new PackageGraph();
        g.add("m", "a", "b");
        g.add("m", "b", "c");
        g.add("m", "c", "a");
        g.add("m", "d", "a");
        g.add("m", "e", "f");
        g.add("m", "f", "e");
        g.add("m", "g", "g");
        assertEquals(List.of(Set.of("a", "b", "c"), Set.of("e", "f")), g.cycles());
        g.remove("c", "a");
        g.remove("f", "e");
        assertEquals(List.of(), g.cycles());
    }

    @Test
    void readsImportsAndQualifiedNamesButNotComments(@TempDir Path root) throws Exception {
        write(root, "low/src/main/java/x/A.java", """
                package mdlora.low;

                import java.util.List;
                // mdlora.high.C in a comment is no dependency
                /** Neither is {@link mdlora.side.D}. */
                public class A {
                    Object b = new mdlora.high.B();
                }
                """);
        write(root, "high/src/main/java/x/B.java", """
                package mdlora.high;

                import static mdlora.low.A.helper;
                import mdlora.low.A;

                public class B {}
                """);
        write(root, "side/src/main/java/x/D.java", "package mdlora.side;\nimport mdlora.low.A;\nclass D {}\n");
        PackageGraph g = PackageGraph.ofSources(root);
        assertEquals(Set.of("mdlora.high"), g.uses("mdlora.low"));
        assertEquals("low", g.moduleOf("mdlora.low"));
        assertEquals(List.of(Set.of("mdlora.high", "mdlora.low")), g.cycles());
        assertEquals(List.of("high -> low (mdlora.high -> mdlora.low)", "low -> high (mdlora.low -> mdlora.high)", "side -> low (mdlora.side -> mdlora.low)"),
                g.moduleEdges());
    }

    private static void write(Path root, String path, String text) throws Exception {
        Path f = root.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }
}
