package mdlora.cluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import mdlora.launcher.config.ConfigException;

/**
 * The class path of the executors mdlora starts: {@code local-cluster} executors are launched by Spark
 * with the jars of a Spark home's {@code jars/} folder ({@code SPARK_HOME}, which {@code ./mdlora} and the
 * build set to {@code cluster/target/spark-home}), and every other master gets the application's jars
 * through {@code spark.jars}. Both are made from this JVM's class path; a class folder (a module built
 * but not packaged) becomes a jar, since Spark only ships jars.
 */
final class SparkHome {
    /** Marks a Spark home that this class fills (and so may empty); a real Spark installation is never touched. */
    private static final String MARKER = ".mdlora-spark-home";

    private SparkHome() {}

    /**
     * Fills {@code $SPARK_HOME/jars} with this JVM's class path (links to its jars, its class folders as
     * jars), for local-cluster executors.
     */
    static void prepareLocalCluster() {
        String env = System.getenv("SPARK_HOME");
        if (env == null || env.isBlank())
            throw new ConfigException("local-cluster needs SPARK_HOME, a folder whose jars/ will hold the executors' class path; ./mdlora sets it to cluster/target/spark-home");
        Path home = Path.of(env);
        try {
            boolean ours = Files.exists(home.resolve(MARKER)) || !Files.exists(home.resolve("jars"));
            if (!ours) return; // a real Spark home: its jars are the executors'; the application's come through spark.jars
            Path jars = Files.createDirectories(home.resolve("jars"));
            Files.writeString(home.resolve(MARKER), "made by mdlora for local-cluster executors; rebuilt on every run\n");
            try (Stream<Path> old = Files.list(jars)) {
                for (Path p : old.toList()) Files.delete(p);
            }
            for (Path entry : classPath()) {
                if (Files.isDirectory(entry)) jarOf(entry, jars.resolve(jarName(entry)));
                else Files.createSymbolicLink(jars.resolve(jarName(entry)), entry.toAbsolutePath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Spark home " + home + " for local-cluster: " + e.getMessage(), e);
        }
    }

    /** The application's jars for {@code spark.jars}: this JVM's class path without Spark's own (class folders made jars in {@code dir}). */
    static List<String> applicationJars(Path dir) {
        List<String> out = new ArrayList<>();
        try {
            for (Path entry : classPath()) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry)) out.add(jarOf(entry, dir.resolve(jarName(entry))).toUri().toString());
                else if (name.startsWith("mdlora-") || name.startsWith("jcodec") || name.startsWith("picocli")) out.add(entry.toUri().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot package the application's classes for the executors: " + e.getMessage(), e);
        }
        return out;
    }

    private static List<Path> classPath() {
        List<Path> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) if (!e.isEmpty() && Files.exists(Path.of(e))) out.add(Path.of(e));
        return out;
    }

    /** {@code module/target/classes} becomes {@code module-classes.jar}; a jar keeps its name. */
    private static String jarName(Path entry) {
        String name = entry.getFileName().toString();
        if (!Files.isDirectory(entry)) return name;
        Path module = entry.toAbsolutePath().getParent().getParent();
        return (module == null ? "app" : module.getFileName()) + "-" + name + ".jar";
    }

    private static Path jarOf(Path dir, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); var out = new JarOutputStream(file); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
