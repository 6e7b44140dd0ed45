package mdlora.launcher.train;

import java.io.IOException;
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
import mdlora.tensor.io.SafetensorsWriter;

/**
 * Everything a run needs to continue exactly where it stopped, in one safetensors file written
 * atomically: the trainable parameters ({@code param.NAME}), the optimiser state ({@code optim.KEY}),
 * the scheduler state ({@code sched.KEY}), and in the metadata the number of steps done. The frozen
 * backbone is not in it (it is the run's backbone file), nor is the data position or any random state:
 * the batch and the dropout-free randomness of step t are functions of (seed, t) alone.
 */
public final class Checkpoint {
    private static final String PARAM = "param.", OPTIM = "optim.", SCHED = "sched.";

    private Checkpoint() {}

    /** Writes the state after {@code step} steps. */
    public static void save(Path file, int step, Map<String, Variable> trainable, Optimizer optimizer, LrScheduler scheduler) throws IOException {
        var writer = new SafetensorsWriter().metadata("format", "mdlora-checkpoint").metadata("step", Integer.toString(step));
        trainable.forEach((name, p) -> writer.put(PARAM + name, p.data()));
        optimizer.stateDict().forEach((k, t) -> writer.put(OPTIM + k, t));
        scheduler.stateDict().forEach((k, t) -> writer.put(SCHED + k, t));
        writer.write(file);
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

    /** Restores only the trained weights (to evaluate, predict, export); returns the number of steps they had. */
    public static int loadWeights(Path file, Map<String, Variable> trainable) throws IOException {
        return read(file, trainable).step();
    }

    private record Contents(int step, Map<String, Tensor> optim, Map<String, Tensor> sched) {}

    private static Contents read(Path file, Map<String, Variable> trainable) throws IOException {
        try (var f = SafetensorsFile.open(file)) {
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
