package mdlora.tensor.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers, and a process killed half-way, see either the old content or the new,
 * never a torn file: the content goes to a hidden sibling, is forced to disk, and is renamed over the
 * target; the folder is then synced so the rename itself survives a crash. The project's one way of
 * writing files that matter (checkpoints, adapters, caches, reports).
 */
public final class AtomicFile {
    /** Writes the complete content into the file it is given, which does not exist yet. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the content into {@code file}; an exception leaves the target as it was.
         *
         * @param file the temporary file to fill, beside the target
         * @throws IOException if writing fails
         */
        void writeTo(Path file) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Replaces {@code target} with what {@code writer} writes, atomically (see above).
     *
     * @param target the file replaced; its directory must exist
     * @param writer writes the new content into a temporary file beside {@code target}
     * @throws IOException if writing or the move fails; {@code target} is then unchanged
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            writeAndMove(temp, file, writer);
        } catch (FileSystemException e) {
            throw e; // names its file already
        } catch (IOException e) {
            // a full disk says only "No space left on device": name the file it was writing
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeAndMove(Path temp, Path file, Writer writer) throws IOException {
        writer.writeTo(temp);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file.getParent());
    }

    /**
     * Replaces {@code target} with {@code text} in UTF-8, atomically.
     *
     * @param target the file replaced
     * @param text the new content
     * @throws IOException if writing or the move fails; {@code target} is then unchanged
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * Replaces {@code target} with {@code bytes}, atomically.
     *
     * @param target the file replaced
     * @param bytes the new content
     * @throws IOException if writing or the move fails; {@code target} is then unchanged
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, tmp -> Files.write(tmp, bytes));
    }

    /** Makes the rename durable; where a folder cannot be opened (Windows) the rename is still atomic. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException unsupported) {
            // durability of the rename is best effort; atomicity does not depend on it
        }
    }
}
