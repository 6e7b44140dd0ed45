package mdlora.launcher.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mdlora.launcher.config.ConfigException;

/**
 * The OS lock on a run folder ({@code run.lock}) held by the one process that writes into it, so that a
 * second writer (a {@code --resume} while the run still goes) is refused instead of interleaving its
 * metrics and checkpoints. The file names its holder (pid, host, start time) for the refusal message; the
 * OS drops the lock when the holder dies, so a killed run never leaves its folder locked; the next holder
 * removes the temporary files a killed writer left behind.
 */
public final class RunLock implements AutoCloseable {
    private static final String FILE = "run.lock";
    private static final Pattern ORPHAN = Pattern.compile("\\..+\\.tmp[0-9a-f]+");
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code run}; a folder another process (or another command of this one) holds is an error naming the holder. */
    public static RunLock acquire(RunDir run) throws IOException {
        Path file = run.file(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new ConfigException(run.path() + " is in use by another mdlora process (" + holder + "); wait for it to finish or stop it first");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " on " + host() + " since "
                + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        removeOrphans(run);
        return new RunLock(channel, lock);
    }

    /**
     * Deletes the temporary files ({@code .NAME.tmpHEX}, see {@code AtomicFile}) a process killed mid-write left
     * in the run: with the lock held, no live writer owns one.
     */
    private static void removeOrphans(RunDir run) throws IOException {
        List<Path> orphans;
        try (Stream<Path> files = Files.walk(run.path())) {
            orphans = files.filter(f -> ORPHAN.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f)).toList();
        }
        for (Path f : orphans) Files.deleteIfExists(f);
        if (!orphans.isEmpty())
            System.err.println("mdlora: removed " + orphans.size() + " unfinished temporary file" + (orphans.size() == 1 ? "" : "s")
                    + " that a killed process left in " + run.path());
    }

    /** A write into a run folder. */
    public interface Write {
        void run() throws IOException;
    }

    /**
     * Runs {@code write} holding the lock of {@code run}, for a command that reads a run and writes into it
     * on the side ({@code eval}, {@code analyze}): when a training process holds the folder (or the folder is
     * read-only), it prints a notice that {@code what} was not written, naming the holder (or the file), instead
     * of failing the whole command.
     *
     * @return whether it wrote
     */
    public static boolean whenFree(RunDir run, String what, Write write) throws IOException {
        RunLock lock;
        try {
            lock = acquire(run);
        } catch (ConfigException busy) {
            System.err.println("mdlora: " + what + " not written: " + busy.getMessage());
            return false;
        } catch (FileSystemException readOnly) { // a run on a read-only disk can still be read
            System.err.println("mdlora: " + what + " not written: " + readOnly.getFile() + ": " + readOnly.getReason());
            return false;
        }
        try (lock) {
            write.run();
            return true;
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "holder unknown" : text;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    /** Releases the lock; the file stays (deleting it would race with a process about to lock it). */
    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
