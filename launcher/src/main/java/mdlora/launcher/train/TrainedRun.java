package mdlora.launcher.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.launcher.config.Settings;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.model.Backbone;
import mdlora.launcher.model.MultiDomainModel;
import mdlora.launcher.run.RunDir;
import mdlora.lora.video.VideoClassifier;

/**
 * A finished (or stopped) run brought back to life for {@code eval}, {@code predict}, {@code export}
 * and {@code analyze}: its config, its domains and class names, and its model with the weights of its
 * checkpoint.
 *
 * @param steps the steps the checkpoint's weights have been trained for
 */
public record TrainedRun(RunDir run, Settings config, Map<String, List<String>> classes, MultiDomainModel model, int steps) {
    public static TrainedRun load(RunDir run) throws IOException {
        Settings config = run.readSettings();
        Map<String, List<String>> classes = classes(run);
        if (!Checkpoint.exists(run.checkpoint())) throw new ConfigException(run.path() + " has no checkpoint yet: it has not trained a step");
        List<VideoClassifier.Domain> domains = new ArrayList<>();
        classes.forEach((name, names) -> domains.add(new VideoClassifier.Domain(name, names.size())));
        Backbone backbone = Backbone.load(config.model.backbone, config.model.heads);
        FineTuning.requireSameBackbone(run, backbone);
        MultiDomainModel model = MultiDomainModel.create(config, backbone, domains);
        int steps = Checkpoint.loadWeights(run.checkpoint(), model.trainable());
        return new TrainedRun(run, config, classes, model, steps);
    }

    private static Map<String, List<String>> classes(RunDir run) throws IOException {
        Map<String, Object> json = run.readJson("domains.json");
        if (json == null) throw new ConfigException(run.path() + " has no domains.json: it is not a training run");
        Map<String, List<String>> out = new LinkedHashMap<>();
        json.forEach((d, names) -> out.put(d, ((List<?>) names).stream().map(String.class::cast).toList()));
        return out;
    }

    /** The index of {@code domain}; an error listing the run's domains when it has none of that name. */
    public int domainIndex(String domain) {
        int i = new ArrayList<>(classes.keySet()).indexOf(domain);
        if (i < 0) throw new ConfigException("unknown domain '" + domain + "' (this run's domains: " + String.join(", ", classes.keySet()) + ")");
        return i;
    }
}
