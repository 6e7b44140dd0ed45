package mdlora.launcher.config;

import java.nio.file.Path;

/** Where the launcher keeps generated data: {@code .cache/} in the repository ({@code MDLORA_ROOT}, set by ./mdlora), else in the working directory. */
public final class Workspace {
    private Workspace() {}

    /** The cache folder: the synthetic clips and decoded frames live here, reused by later runs. */
    public static Path cache() {
        String root = System.getenv("MDLORA_ROOT");
        return (root == null || root.isBlank() ? Path.of("") : Path.of(root)).toAbsolutePath().resolve(".cache");
    }

    /** The frame cache every run uses unless told otherwise: {@code frames/} of {@link #cache()}. */
    public static Path frames() {
        return cache().resolve("frames");
    }
}
