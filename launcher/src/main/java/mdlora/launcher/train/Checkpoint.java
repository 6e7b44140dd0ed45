package mdlora.launcher.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import mdlora.autograd.Variable;
import mdlora.launcher.config.ConfigException;
import mdlora.nn.optim.LrScheduler;
import mdlora.nn.optim.Optimizer;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsFile;
import mdlora.tensor.io.SafetensorsFormatException;
import mdlora.tensor.io.SafetensorsWriter;

/**
 * Everything a run needs to continue exactly where it stopped, in one safetensors file written
 * atomically: the trainable parameters ({@code param.NAME}), the optimiser state ({@code optim.KEY}),
 * the scheduler state ({@code sched.KEY}), and in the metadata the number of steps done. The frozen
 * backbone is not in it (it is the run's backbone file), nor is the data position or any random state:
 * the batch and the dropout-free randomness of step t are functions of (seed, t) alone.
 *
 * <p>Each tensor's CRC32C is in the metadata ({@code crc32c.NAME}) and checked on load, so flipped bytes
 * are found rather than trained on. Saving first renames the checkpoint before it to
 * {@code NAME.prev.safetensors}; a latest one that is missing or corrupt falls back to it with a notice.
 */
public final class Checkpoint {
    private static final String PARAM = "param.", OPTIM = "optim.", SCHED = "sched.", CRC = "crc32c.";

    private Checkpoint() {}

    /** Writes the state after {@code step} steps. */
    public static void save(Path file, int step, Map<String, Variable> trainable, Optimizer optimizer, LrScheduler scheduler) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        trainable.forEach((name, p) -> tensors.put(PARAM + name, p.data()));
        optimizer.stateDict().forEach((k, t) -> tensors.put(OPTIM + k, t));
        scheduler.stateDict().forEach((k, t) -> tensors.put(SCHED + k, t));
        var writer = new SafetensorsWriter().metadata("format", "mdlora-checkpoint").metadata("step", Integer.toString(step));
        tensors.forEach((name, t) -> writer.put(name, t).metadata(CRC + name, crc(t)));
        if (Files.exists(file)) Files.move(file, previous(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FaultPoint.reach("checkpoint", step);
        writer.write(file);
    }

    /** Where the checkpoint saved before {@code file} is kept. */
    public static Path previous(Path file) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - ".safetensors".length()) + ".prev.safetensors");
    }

    /** Whether there is a checkpoint to continue from: {@code file} or the one before it. */
    public static boolean exists(Path file) {
        return Files.exists(file) || Files.exists(previous(file));
    }

    /** CRC32C of a float32 tensor's little-endian bytes, as safetensors stores them. */
    private static String crc(Tensor t) {
        float[] v = t.contiguousData();
        ByteBuffer bytes = ByteBuffer.allocate(4 * t.numel()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.numel(); i++) bytes.putFloat(v[i]);
        return crc(bytes.array());
    }

    private static String crc(byte[] bytes) {
        var c = new CRC32C();
        c.update(bytes);
        return String.format("%08x", c.getValue());
    }

    /** The name of the first trainable parameter or optimiser state holding a NaN or infinity, or null when all are finite. */
    public static String nonFinite(Map<String, Variable> trainable, Optimizer optimizer) {
        for (var e : trainable.entrySet()) if (!finite(e.getValue().data())) return PARAM + e.getKey();
        for (var e : optimizer.stateDict().entrySet()) if (!finite(e.getValue())) return OPTIM + e.getKey();
        return null;
    }

    private static boolean finite(Tensor t) {
        for (float v : t.contiguousData()) if (!Float.isFinite(v)) return false;
        return true;
    }

    /**
     * Restores a checkpoint into the parameters, optimiser and scheduler; returns the number of steps it
     * had done. A checkpoint of another configuration (different parameters or shapes) is an error naming
     * the difference.
     */
    public static int load(Path file, Map<String, Variable> trainable, Optimizer optimizer, LrScheduler scheduler) throws IOException {
        Contents c = read(file, trainable);
        optimizer.loadStateDict(c.optim());
        scheduler.loadStateDict(c.sched());
        return c.step();
    }

    /** The number of steps a checkpoint had done, from its metadata alone. */
    public static int step(Path file) throws IOException {
        try (var f = SafetensorsFile.open(Files.exists(file) ? file : previous(file))) {
            String step = f.metadata().get("step");
            if (step == null) throw new ConfigException(file + " is not an mdlora checkpoint (no step metadata)");
            return Integer.parseInt(step);
        }
    }

    /** Restores only the trained weights (to evaluate, predict, export); returns the number of steps they had. */
    public static int loadWeights(Path file, Map<String, Variable> trainable) throws IOException {
        return read(file, trainable).step();
    }

    private record Contents(int step, Map<String, Tensor> optim, Map<String, Tensor> sched) {}

    /** The latest checkpoint, or when it is missing or corrupt (an error naming it otherwise), the one before it, with a notice. */
    private static Contents read(Path file, Map<String, Variable> trainable) throws IOException {
        Path previous = previous(file);
        if (!Files.exists(file) && Files.exists(previous)) {
            System.err.println("mdlora: " + file + " is missing (a save cut short); using " + previous.getFileName());
            return readChecked(previous, trainable);
        }
        try {
            return readChecked(file, trainable);
        } catch (Corrupt e) {
            if (!Files.exists(previous)) throw new ConfigException(e.getMessage() + "; no previous checkpoint to fall back to");
            System.err.println("mdlora: " + e.getMessage() + "; using the previous checkpoint " + previous.getFileName());
            return readChecked(previous, trainable);
        }
    }

    /** A checkpoint whose bytes are damaged: the format is broken or a checksum does not match. */
    private static final class Corrupt extends IllegalArgumentException {
        Corrupt(String message) {
            super(message);
        }
    }

    private static Contents readChecked(Path file, Map<String, Variable> trainable) throws IOException {
        SafetensorsFile opened;
        try {
            opened = SafetensorsFile.open(file);
        } catch (SafetensorsFormatException e) {
            throw new Corrupt(file + " is corrupt: " + e.getMessage());
        }
        try (var f = opened) {
            for (String name : f.names()) {
                String expected = f.metadata().get(CRC + name);
                if (expected != null && !expected.equals(crc(f.bytes(name))))
                    throw new Corrupt(file + " is corrupt: tensor '" + name + "' fails its CRC32C check (flipped bytes)");
            }
            String step = f.metadata().get("step");
            if (!"mdlora-checkpoint".equals(f.metadata().get("format")) || step == null)
                throw new ConfigException(file + " is not an mdlora checkpoint (no format/step metadata)");
            Map<String, Tensor> params = new LinkedHashMap<>(), optim = new LinkedHashMap<>(), sched = new LinkedHashMap<>();
            for (String name : f.names()) {
                if (name.startsWith(PARAM)) params.put(name.substring(PARAM.length()), f.tensor(name));
                else if (name.startsWith(OPTIM)) optim.put(name.substring(OPTIM.length()), f.tensor(name));
                else if (name.startsWith(SCHED)) sched.put(name.substring(SCHED.length()), f.tensor(name));
                else throw new ConfigException(file + ": unexpected tensor '" + name + "' in a checkpoint");
            }
            if (!params.keySet().equals(trainable.keySet()))
                throw new ConfigException(file + " does not fit this model: it holds " + params.size() + " trainable tensors, the model has "
                        + trainable.size() + difference(params.keySet(), trainable.keySet()));
            trainable.forEach((name, p) -> {
                Tensor t = params.get(name);
                if (!t.sameShape(p.data()))
                    throw new ConfigException(file + " does not fit this model: '" + name + "' has shape " + Shape.str(t.shape()) + ", the model " + Shape.str(p.shape()));
            });
            trainable.forEach((name, p) -> p.data().copyFromInPlace(params.get(name)));
            return new Contents(Integer.parseInt(step), optim, sched);
        }
    }

    private static String difference(Set<String> saved, Set<String> model) {
        var onlySaved = new TreeSet<>(saved);
        onlySaved.removeAll(model);
        var onlyModel = new TreeSet<>(model);
        onlyModel.removeAll(saved);
        return (onlySaved.isEmpty() ? "" : "; only in the checkpoint: " + first(onlySaved)) + (onlyModel.isEmpty() ? "" : "; only in the model: " + first(onlyModel));
    }

    private static String first(SortedSet<String> names) {
        return names.size() <= 3 ? names.toString() : names.stream().limit(3).toList() + " and " + (names.size() - 3) + " more";
    }
}
