package mdlora.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The image-pretrained ViT shipped in this jar (made by {@code mdlora pretrain}; see README, "The shipped
 * backbone"): 4 blocks of width 96 with 3 heads, 8-pixel patches at 48 pixels, in timm's names. Checkpoint
 * readers map files rather than streams, so it is copied out of the jar into a folder first:
 * <pre>{@code
 * ViTCheckpoint checkpoint = ViTCheckpoint.read(ShippedBackbone.extract());
 * }</pre>
 */
public final class ShippedBackbone {
    /** The checkpoint's file name; {@link #FILES} lists it first. */
    public static final String MODEL_FILE = "model.safetensors";
    /** The files copied: the weights, then the hub config and the preprocessor config beside them. */
    public static final List<String> FILES = List.of(MODEL_FILE, "config.json", "preprocessor_config.json");

    private ShippedBackbone() {}

    /**
     * Copies the shipped files into {@code dir} (created if missing; files of the same names are replaced).
     *
     * @param dir the folder to copy into
     * @return the checkpoint file in {@code dir}, with its configs beside it
     * @throws IOException if {@code dir} cannot be written
     */
    public static Path copyTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : FILES) {
            try (InputStream in = ShippedBackbone.class.getResourceAsStream(name)) {
                if (in == null) throw new IllegalStateException("the mdlora-backbone jar lacks mdlora/backbone/" + name + "; rebuild it");
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir.resolve(MODEL_FILE);
    }

    /**
     * Copies the shipped files into a new temporary folder, which is deleted when the JVM exits.
     *
     * @return the checkpoint file, with its configs beside it
     * @throws IOException if the temporary folder cannot be written
     */
    public static Path extract() throws IOException {
        Path dir = Files.createTempDirectory("mdlora-backbone");
        dir.toFile().deleteOnExit();
        Path model = copyTo(dir);
        for (String name : FILES) dir.resolve(name).toFile().deleteOnExit(); // deleted in reverse: files, then the folder
        return model;
    }
}
