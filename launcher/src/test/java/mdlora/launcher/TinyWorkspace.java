package mdlora.launcher;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of the test classes that share one tiny workspace: the {@link Launcher#tinyDataset} and the {@link Launcher#tinyBackbone}. */
abstract class TinyWorkspace {
    @TempDir
    static Path dir;
    static Path data, backbone;

    @BeforeAll
    static void workspace() throws Exception {
        data = Launcher.tinyDataset(dir.resolve("data"));
        backbone = Launcher.tinyBackbone(dir.resolve("pretrain"));
    }
}
