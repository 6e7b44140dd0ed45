package mdlora.lora.video;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.lora.LoraConfig;
import mdlora.lora.MultiDomainLora;
import mdlora.lora.PeftNames;
import mdlora.nn.Dropout;
import mdlora.nn.Linear;
import mdlora.nn.Module;
import mdlora.nn.ModuleList;
import mdlora.nn.RowDomains;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * Late-fusion video classifier over several domains (datasets): the ViT {@code backbone} encodes every frame
 * on its own, the class-token features are averaged over the frames, and each clip's own domain head
 * ({@code heads.i}, a Linear) classifies it. A batch may mix domains.
 *
 * <p>The heads are new, so they train from construction on; {@link #attachLora} adapts and freezes the
 * backbone only, and a head-only run freezes {@code backbone()} itself.
 */
public final class VideoClassifier extends Module {
    /**
     * A domain: its name and number of classes.
     *
     * @param name the domain's name (its adapter's name)
     * @param numClasses number of classes, positive
     */
    public record Domain(String name, int numClasses) {
        /** Checks that the domain has classes. */
        public Domain {
            if (numClasses <= 0) throw new IllegalArgumentException("domain '" + name + "' needs at least one class, got " + numClasses);
        }
    }

    private final VisionTransformer backbone;
    private final List<Domain> domains;
    private final ModuleList heads;

    /**
     * A classifier with a new head per domain on {@code backbone}'s averaged frame features.
     *
     * @param backbone    a ViT without head (numClasses 0)
     * @param domains     the domains, in head order
     * @param headDropout dropout on the averaged features before the heads while training (0 for none)
     * @param rng         initialises the heads (PyTorch's Linear init) and draws dropout masks
     */
    public VideoClassifier(VisionTransformer backbone, List<Domain> domains, float headDropout, Rng rng) {
        if (backbone.config().numClasses() != 0)
            throw new IllegalArgumentException("the backbone must have no head (numClasses 0): the domain heads classify its features");
        if (domains.isEmpty()) throw new IllegalArgumentException("a video classifier needs at least one domain");
        this.backbone = registerModule("backbone", backbone);
        this.domains = List.copyOf(domains);
        List<Linear> linears = new ArrayList<>();
        for (Domain d : domains) linears.add(new Linear(backbone.config().width(), d.numClasses(), true, rng));
        this.heads = registerModule("heads", new ModuleList(linears));
        registerModule("head_drop", new Dropout(headDropout, rng.fork()));
    }

    /**
     * The shared frame encoder (child {@code backbone}).
     *
     * @return the backbone ViT
     */
    public VisionTransformer backbone() {
        return backbone;
    }

    /**
     * The domains in head order: domain i is classified by {@code heads.i}.
     *
     * @return the domains, unmodifiable
     */
    public List<Domain> domains() {
        return domains;
    }

    /**
     * The domains' names in head order: the routing order of the LoRAs {@link #attachLora} attaches.
     *
     * @return the domain names
     */
    public List<String> domainNames() {
        return domains.stream().map(Domain::name).toList();
    }

    /**
     * Freezes the backbone and attaches shared and domain LoRAs to it ({@link MultiDomainLora#attach}), the
     * domains in head order: the LoRAs' layer paths are the backbone's own, timm's names, so adapter files
     * and merged exports load into a plain ViT. The heads keep training.
     *
     * @param config the LoRA configuration
     * @param rng initialises the LoRA factors
     * @return the LoRAs attached to the backbone
     */
    public MultiDomainLora attachLora(LoraConfig config, Rng rng) {
        return MultiDomainLora.attach(backbone, config, domainNames(), rng);
    }

    /**
     * Saves {@code lora} (attached to this model) in PEFT's layout ({@link MultiDomainLora#saveAdapters(Path, PeftNames, Map)}),
     * each domain's head in that domain's adapter as PEFT's {@code modules_to_save} ({@code head}, or
     * {@code classifier} under Hugging Face's names), so that PEFT restores a domain's head with its LoRAs. A
     * domain whose placement gives it no LoRAs has no adapter to carry its head.
     *
     * @param lora the LoRAs attached to this model
     * @param dir the folder to write the adapter folders under
     * @param names PEFT module names (timm's or Hugging Face's)
     * @throws IOException if a file cannot be written
     */
    public void saveAdapters(MultiDomainLora lora, Path dir, PeftNames names) throws IOException {
        Map<String, Map<String, Tensor>> heads = new LinkedHashMap<>();
        List<String> adapters = lora.adapterNames();
        for (int d = 0; d < domains.size(); d++) {
            if (!adapters.contains(domains.get(d).name())) continue;
            Map<String, Tensor> head = new LinkedHashMap<>();
            this.heads.module(Integer.toString(d)).stateDict().forEach((k, v) -> head.put("head." + k, v));
            heads.put(domains.get(d).name(), head);
        }
        lora.saveAdapters(dir, names, heads);
    }

    /**
     * Loads adapters {@link #saveAdapters} wrote into {@code lora} (attached to this model) and each domain's head its adapter carries.
     *
     * @param lora the LoRAs attached to this model
     * @param dir the folder {@link #saveAdapters} wrote
     * @throws IOException if a file cannot be read or does not match the model
     */
    public void loadAdapters(MultiDomainLora lora, Path dir) throws IOException {
        Map<String, Map<String, Tensor>> saved = lora.loadAdapters(dir);
        for (int d = 0; d < domains.size(); d++) {
            Map<String, Tensor> head = new LinkedHashMap<>();
            saved.getOrDefault(domains.get(d).name(), Map.of()).forEach((k, v) -> { if (k.startsWith("head.")) head.put(k.substring(5), v); });
            if (head.isEmpty()) continue;
            try {
                heads.module(Integer.toString(d)).loadStateDict(head, true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(dir.resolve(domains.get(d).name()) + ": the head of domain '" + domains.get(d).name() + "' does not fit this model: " + e.getMessage());
            }
        }
    }

    /**
     * The plain ViT deployed for {@code domain} in timm's layout: {@code backboneState} (the backbone's state
     * dict, LoRAs merged or none) with that domain's head as {@code head}.
     *
     * @param backboneState the backbone's state dict
     * @param domain the domain's head index
     * @return parameter name to tensor, a plain ViT's layout with {@code head}
     */
    public Map<String, Tensor> deployedStateDict(Map<String, Tensor> backboneState, int domain) {
        if (domain < 0 || domain >= domains.size()) throw new IllegalArgumentException("domain " + domain + " of " + domains.size());
        Map<String, Tensor> out = new LinkedHashMap<>(backboneState);
        heads.module(Integer.toString(domain)).stateDict().forEach((k, v) -> out.put("head." + k, v));
        return out;
    }

    /**
     * Classifies clips [B, T, 3, S, S]; {@code domainOfSample[b]} is the domain of clip b. Each of
     * the B*T frame rows goes into the backbone with its clip's domain ({@link RowDomains}).
     *
     * @param clips the clips, [B, T, 3, S, S]
     * @param domainOfSample each clip's domain index, length B
     * @return the logits, grouped by domain
     */
    public Output forward(Variable clips, int[] domainOfSample) {
        if (clips.rank() != 5) throw new IllegalArgumentException("clips must be [B, T, 3, H, W], got " + Shape.str(clips.shape()));
        int b = clips.size(0), t = clips.size(1);
        if (domainOfSample.length != b) throw new IllegalArgumentException(domainOfSample.length + " domains given for a batch of " + b + " clips");
        int[] domainOfRow = new int[b * t];
        for (int i = 0; i < b; i++) {
            if (domainOfSample[i] < 0 || domainOfSample[i] >= domains.size())
                throw new IllegalArgumentException("clip " + i + " has domain " + domainOfSample[i] + ", but there are " + domains.size() + " domains");
            for (int j = 0; j < t; j++) domainOfRow[i * t + j] = domainOfSample[i];
        }

        Variable frames = clips.reshape(b * t, clips.size(2), clips.size(3), clips.size(4));
        Variable features = backbone.forwardFeatures(frames, RowDomains.of(domainOfRow)).reshape(b, t, -1).mean(1);
        features = layer("head_drop").forward(features);
        List<DomainLogits> groups = new ArrayList<>();
        for (int d = 0; d < domains.size(); d++) {
            int[] samples = samplesOf(domainOfSample, d);
            if (samples.length == 0) continue;
            groups.add(new DomainLogits(d, samples, heads.layer(d).forward(features.indexSelect(0, samples))));
        }
        return new Output(b, groups);
    }

    private static int[] samplesOf(int[] domainOfSample, int domain) {
        return IntStream.range(0, domainOfSample.length).filter(i -> domainOfSample[i] == domain).toArray();
    }

    /**
     * The logits [samples.length, C_domain] of the clips of one domain, {@code samples} their batch indices (ascending).
     *
     * @param domain the domain's head index
     * @param samples the clips' batch indices, ascending
     * @param logits the logits, [samples.length, C_domain]
     */
    public record DomainLogits(int domain, int[] samples, Variable logits) {}

    /**
     * The logits of a batch, grouped by domain because domains have different numbers of classes.
     *
     * @param batchSize B, the number of clips in the batch
     * @param groups one entry per domain present, in domain order
     */
    public record Output(int batchSize, List<DomainLogits> groups) {
        /**
         * Mean cross-entropy over the whole batch, {@code sum_d n_d * CE_d / B}; {@code labels[b]} is clip b's
         * class within its own domain.
         *
         * @param labels each clip's class within its domain, length B
         * @param labelSmoothing label smoothing epsilon, in [0, 1)
         * @return the scalar mean loss
         */
        public Variable loss(int[] labels, float labelSmoothing) {
            return loss(labels, labelSmoothing, null);
        }

        /**
         * The cross-entropy with each domain's clips weighted, {@code sum_d w_d * n_d * CE_d / B}
         * ({@code domainWeights} null: every w_d 1, the plain mean). With w_d = v_d B / n_d it is MTLoRA's
         * weighted sum of per-domain losses {@code sum_d v_d CE_d}.
         *
         * @param labels each clip's class within its domain, length B
         * @param labelSmoothing label smoothing epsilon, in [0, 1)
         * @param domainWeights w_d per domain index, or null for all 1
         * @return the scalar weighted loss
         */
        public Variable loss(int[] labels, float labelSmoothing, float[] domainWeights) {
            if (labels.length != batchSize) throw new IllegalArgumentException(labels.length + " labels for a batch of " + batchSize + " clips");
            Variable total = null;
            for (DomainLogits g : groups) {
                int[] target = new int[g.samples.length];
                for (int i = 0; i < target.length; i++) target[i] = labels[g.samples[i]];
                float w = domainWeights == null ? 1 : domainWeights[g.domain];
                Variable ce = Functional.crossEntropy(g.logits, target, labelSmoothing).mul(w * ((float) target.length / batchSize));
                total = total == null ? ce : total.add(ce);
            }
            return total;
        }

        /**
         * The predicted class of each clip within its domain (argmax of its logits).
         *
         * @return the predicted class per clip, length B
         */
        public int[] predictions() {
            int[] out = new int[batchSize];
            for (DomainLogits g : groups) {
                Tensor best = g.logits.data().argmax(1);
                for (int i = 0; i < g.samples.length; i++) out[g.samples[i]] = (int) best.get(i);
            }
            return out;
        }
    }
}
