package mdlora.bench.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which package of the project uses which, read from the main sources: every reference to a class of
 * {@code mdlora.*} (an import or a qualified name in code; comments and Javadoc do not count), and the
 * module (top-level folder) each package lives in.
 */
final class PackageGraph {
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** A qualified reference: lower-case package segments, then a class name. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(mdlora(?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    private final Map<String, Set<String>> uses = new TreeMap<>();
    private final Map<String, String> moduleOf = new TreeMap<>();

    /** Records that {@code from} (in {@code module}) uses {@code to}; a package's use of itself is no edge. */
    void add(String module, String from, String to) {
        moduleOf.put(from, module);
        uses.computeIfAbsent(from, k -> new TreeSet<>());
        if (!from.equals(to)) uses.get(from).add(to);
    }

    /** The graph of every module's {@code src/main/java} under {@code root}. */
    static PackageGraph ofSources(Path root) {
        PackageGraph g = new PackageGraph();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).sorted().toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList())
                        g.addSource(module.getFileName().toString(), Files.readString(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return g;
    }

    private void addSource(String module, String source) {
        String code = COMMENT.matcher(source).replaceAll(" ");
        Matcher p = PACKAGE.matcher(code);
        if (!p.find()) return;
        String pkg = p.group(1);
        add(module, pkg, pkg);
        Matcher r = REFERENCE.matcher(code.substring(p.end()));
        while (r.find()) add(module, pkg, r.group(1));
    }

    /** Forgets the edge {@code from -> to}; returns whether it was there. */
    boolean remove(String from, String to) {
        return uses.getOrDefault(from, new TreeSet<>()).remove(to);
    }

    /** The packages {@code pkg} uses. */
    Set<String> uses(String pkg) {
        return uses.getOrDefault(pkg, Set.of());
    }

    /** Every package with its module. */
    Map<String, String> modules() {
        return moduleOf;
    }

    /** The module of {@code pkg}, or null for a package with no sources here. */
    String moduleOf(String pkg) {
        return moduleOf.get(pkg);
    }

    /** Every edge between modules as "from -> to (package -> package)". */
    List<String> moduleEdges() {
        List<String> out = new ArrayList<>();
        uses.forEach((from, tos) -> {
            for (String to : tos) {
                String a = moduleOf(from), b = moduleOf(to);
                if (b != null && !a.equals(b)) out.add(a + " -> " + b + " (" + from + " -> " + to + ")");
            }
        });
        return out;
    }

    /** The dependency cycles: each strongly connected set of more than one package (Tarjan), sorted. */
    List<Set<String>> cycles() {
        return new Tarjan().run();
    }

    private final class Tarjan {
        private final Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> out = new ArrayList<>();

        List<Set<String>> run() {
            for (String v : uses.keySet()) if (!index.containsKey(v)) visit(v);
            return out;
        }

        private void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            onStack.add(v);
            for (String w : uses(v)) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (!low.get(v).equals(index.get(v))) return;
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) out.add(component);
        }
    }
}
