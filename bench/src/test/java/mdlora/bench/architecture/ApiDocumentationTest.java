package mdlora.bench.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public and protected member of the library modules' API (the packages their module-info exports; all of
 * video's) has a documentation comment with its {@code @param}, {@code @return} and {@code @throws} tags. The
 * build's javadoc step checks the same with all of doclint; this test says it in the suite, by file and line.
 */
class ApiDocumentationTest {
    private static final List<String> LIBRARIES = List.of("tensor", "autograd", "nn", "lora", "video", "backbone");
    private static final Pattern EXPORTS = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;");

    @Test
    void everyExportedMemberHasItsCommentAndTags(@TempDir Path out) throws IOException {
        Path root = ArchitectureTest.root();
        List<Path> sources = new ArrayList<>();
        List<Path> api = new ArrayList<>();
        for (String module : LIBRARIES) {
            Path src = root.resolve(module).resolve("src/main/java");
            List<Path> files = javaFiles(src);
            sources.addAll(files);
            for (String pkg : exported(src)) {
                Path dir = src.resolve(pkg.replace('.', '/'));
                files.stream().filter(f -> f.getParent().equals(dir)).forEach(api::add);
            }
        }
        assertTrue(api.size() > 100, "found only " + api.size() + " API sources");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-Xdoclint:missing/protected", "-Xmaxwarns", "100000", "-proc:none", "-Xlint:none", "--add-modules=jdk.incubator.vector",
                    "-cp", System.getProperty("java.class.path"), "-d", out.toString());
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        List<String> absent = new ArrayList<>(), errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) errors.add(d.toString());
            else if (d.getSource() != null && api.contains(Path.of(d.getSource().toUri()).normalize()))
                absent.add(root.relativize(Path.of(d.getSource().toUri())) + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
        }
        assertEquals(List.of(), errors, "the library sources did not compile");
        assertEquals(List.of(), absent, "public API without its documentation comment or tags");
    }

    /** The packages {@code src}'s module-info exports; every package when there is none (an automatic module). */
    private static List<String> exported(Path src) throws IOException {
        Path descriptor = src.resolve("module-info.java");
        if (Files.exists(descriptor)) {
            Matcher m = EXPORTS.matcher(Files.readString(descriptor));
            List<String> packages = new ArrayList<>();
            while (m.find()) packages.add(m.group(1));
            return packages;
        }
        try (Stream<Path> dirs = Files.walk(src)) {
            return dirs.filter(Files::isDirectory).filter(d -> !javaFiles(d, 1).isEmpty())
                    .map(d -> src.relativize(d).toString().replace('/', '.')).toList();
        }
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        return javaFiles(dir, Integer.MAX_VALUE).stream().filter(f -> !f.getFileName().toString().equals("module-info.java")).toList();
    }

    private static List<Path> javaFiles(Path dir, int depth) {
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(f -> f.toString().endsWith(".java")).map(Path::normalize).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
