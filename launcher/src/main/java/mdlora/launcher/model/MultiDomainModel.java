package mdlora.launcher.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.launcher.config.Settings;
import mdlora.launcher.config.ConfigException;
import mdlora.lora.MultiDomainLora;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTConfig;
import mdlora.tensor.Rng;

/**
 * The model a run trains: the frozen image-pretrained ViT inside a late-fusion {@link VideoClassifier}
 * with one head per domain, and, unless the structure is {@code head-only}, the shared and domain
 * LoRAs attached to it. What trains: the LoRAs (and whatever {@code lora.unfreeze} names) and the heads.
 */
public final class MultiDomainModel {
    private final VideoClassifier classifier;
    private final MultiDomainLora lora;

    private MultiDomainModel(VideoClassifier classifier, MultiDomainLora lora) {
        this.classifier = classifier;
        this.lora = lora;
    }

    /**
     * Builds the model for {@code domains} (names and class counts) from {@code backbone} at the config's image size,
     * mean and std, every random initialisation drawn from the config's seed.
     */
    public static MultiDomainModel create(Settings config, Backbone backbone, List<VideoClassifier.Domain> domains) {
        Rng rng = new Rng(config.train.seed);
        ViTConfig own = backbone.config();
        var vit = backbone.create(config.data.imageSize, rgb(config.data.mean, own.mean()), rgb(config.data.std, own.std()));
        var classifier = new VideoClassifier(vit, domains, 0, rng.fork());
        MultiDomainLora lora = null;
        if (LoraSettings.hasLora(config)) {
            try {
                lora = classifier.attachLora(LoraSettings.of(config), rng.fork());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("cannot attach the LoRAs: " + e.getMessage());
            }
        } else {
            classifier.backbone().freeze();
        }
        return new MultiDomainModel(classifier, lora);
    }

    /** A per-channel setting as the model's config holds it; none given: the backbone's own. */
    private static ViTConfig.Rgb rgb(List<Double> values, ViTConfig.Rgb own) {
        return values.isEmpty() ? own : new ViTConfig.Rgb(values.get(0).floatValue(), values.get(1).floatValue(), values.get(2).floatValue());
    }

    public VideoClassifier classifier() {
        return classifier;
    }

    /** The LoRAs, or null for a head-only model. */
    public MultiDomainLora lora() {
        return lora;
    }

    public ViTConfig backboneConfig() {
        return classifier.backbone().config();
    }

    /** The trainable parameters by name, in model order. */
    public Map<String, Variable> trainable() {
        Map<String, Variable> out = new LinkedHashMap<>();
        classifier.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) out.put(name, p);
        });
        return out;
    }

    /** lambda1 L_orth + lambda2 L_ss of the domain LoRAs, with both terms apart (0 for a head-only model or with ds off). */
    public MultiDomainLora.Separation separation() {
        return lora == null ? MultiDomainLora.Separation.none() : lora.separation();
    }
}
