package mdlora.lora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import mdlora.autograd.Variable;
import mdlora.nn.Linear;
import mdlora.nn.Module;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsWriter;

/**
 * Shared and domain LoRAs attached to a model, PEFT style: {@link #attach} freezes the model and swaps the
 * placed linear layers for {@link LoraLinear}s in place; the handle it returns gives the trainable
 * parameters, the separation loss, merging per domain, adapter files, the effective-dimension analysis and
 * parameter counts.
 *
 * <pre>{@code
 * var lora = MultiDomainLora.attach(vit, LoraConfig.builder().placement(Placement.allFlat()).build(),
 *                                   List.of("ucf101", "k400", "hmdb51"), new Rng(0));
 * Variable loss = crossEntropy.add(lora.separationLoss());
 * }</pre>
 */
public final class MultiDomainLora {
    /** The name of the shared adapter (its folder in adapter files); domain adapters take their domain's name. */
    public static final String SHARED = "shared";
    private static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Set<String> RESERVED = Set.of(SHARED, "base_layer");
    private static final String BASE_LAYER = "base_layer.";

    private final Module model;
    private final LoraConfig config;
    private final List<String> domains;
    private final Map<String, LoraLinear> layers;
    private String mergedDomain;

    private MultiDomainLora(Module model, LoraConfig config, List<String> domains, Map<String, LoraLinear> layers) {
        this.model = model;
        this.config = config;
        this.domains = domains;
        this.layers = Collections.unmodifiableMap(layers);
    }

    /**
     * Freezes every parameter of {@code model}, wraps each linear layer the placement selects in a
     * {@link LoraLinear} (computing the SVD of W where a subspace constraint needs it), then unfreezes what the
     * configuration asks for. {@code model} is what is adapted: its own dotted paths name the layers in the
     * placement, the adapter files and the merged state dict (attach to a ViT for timm's names; a model that
     * wraps one attaches to the ViT and trains its own new parts, such as heads, itself). {@code domains} names the domains in the order of the indices given to
     * {@link mdlora.nn.RowDomains} given to forward.
     *
     * @param model the model to adapt (a ViT, or a model that wraps one); frozen in place
     * @param config placement, ranks, constraints and loss weights
     * @param domains domain names, in routing-index order
     * @param rng source of the LoRA factors' initial values
     * @return the attached LoRAs, owning the adapted model
     */
    public static MultiDomainLora attach(Module model, LoraConfig config, List<String> domains, Rng rng) {
        checkDomains(domains);
        for (var e : model.namedModules().entrySet())
            if (e.getValue() instanceof LoraLinear)
                throw new IllegalArgumentException("the model already has LoRA layers (at '" + e.getKey() + "'); attach once");
        Map<String, Set<LoraKind>> targets = config.placement().resolve(model);
        Map<String, Module> modules = model.namedModules();
        model.freeze();
        Map<String, LoraLinear> layers = new LinkedHashMap<>();
        for (var t : targets.entrySet()) {
            LoraLinear layer = wrap(t.getKey(), (Linear) model.module(t.getKey()), t.getValue(), config, domains, rng);
            model.replaceModule(t.getKey(), layer);
            layers.put(layerName(modules, t.getKey()), layer);
        }
        unfreezeExtras(model, config);
        return new MultiDomainLora(model, config, List.copyOf(domains), layers);
    }

    /**
     * The name a layer goes by in adapter files, the fingerprint and the analysis: its path within the
     * innermost {@link VisionTransformer} that holds it (timm's names), so that attaching to a ViT and to a
     * model that wraps one (a video classifier's {@code backbone}) name the same layers the same way and
     * each loads the other's adapters; its model path where no ViT holds it.
     */
    private static String layerName(Map<String, Module> modules, String path) {
        for (int dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1))
            if (modules.get(path.substring(0, dot)) instanceof VisionTransformer) return path.substring(dot + 1);
        return path;
    }

    private static void checkDomains(List<String> domains) {
        if (domains.isEmpty()) throw new IllegalArgumentException("at least one domain name is needed");
        if (new HashSet<>(domains).size() != domains.size()) throw new IllegalArgumentException("domain names repeat: " + domains);
        for (String d : domains)
            if (!DOMAIN_NAME.matcher(d).matches() || RESERVED.contains(d))
                throw new IllegalArgumentException("domain name '" + d + "' must be letters, digits, '_' or '-', and not one of " + RESERVED);
    }

    /**
     * Domain LoRAs are held to the left null space wherever they are; the shared LoRA to col(W) only in a
     * layer that also has domain LoRAs (Takama et al. §4.1.2: in a shared-only layer there is nothing to separate).
     */
    private static LoraLinear wrap(String path, Linear base, Set<LoraKind> kinds, LoraConfig c, List<String> domains, Rng rng) {
        boolean hasShared = kinds.contains(LoraKind.SHARED), hasDomains = kinds.contains(LoraKind.DOMAIN);
        boolean constrainShared = hasShared && hasDomains && c.constrainShared(), constrainDomains = hasDomains && c.constrainDomains();
        WeightSubspaces subspaces = constrainShared || constrainDomains
                ? WeightSubspaces.of(path, base.weight().data(), c.tau(), c.fullNullSpace()) : null;
        int in = base.inFeatures(), out = base.outFeatures();
        LoraBranch shared = hasShared
                ? branch(in, out, c, LoraKind.SHARED, null, constrainShared ? subspaces.column() : null, rng) : null;
        List<LoraBranch> perDomain = new ArrayList<>();
        if (hasDomains)
            for (String d : domains) perDomain.add(branch(in, out, c, LoraKind.DOMAIN, d, constrainDomains ? subspaces.nullSpace() : null, rng));
        return new LoraLinear(path, base, shared, domains, perDomain, c.dropout(), rng.fork());
    }

    private static LoraBranch branch(int in, int out, LoraConfig c, LoraKind kind, String domain, Subspace subspace, Rng rng) {
        int r = c.rank(kind, domain);
        return new LoraBranch(in, out, r, c.scale(kind, r), c.trainableScales(), subspace, c.init(), c.mixer(), rng);
    }

    private static void unfreezeExtras(Module model, LoraConfig c) {
        if (c.unfreezeNorms()) unfreeze(model, "unfreezeNorms", "*norm*.weight", "*norm*.bias");
        if (c.unfreezePatchEmbed()) unfreeze(model, "unfreezePatchEmbed", "*patch_embed.*");
        if (c.unfreezePosEmbed()) unfreeze(model, "unfreezePosEmbed", "*pos_embed");
    }

    private static void unfreeze(Module model, String option, String... globs) {
        if (model.setRequiresGrad(true, globs) == 0)
            throw new IllegalArgumentException(option + ": the model has no parameter matching " + String.join(" or ", globs));
    }

    // ---------------------------------------------------------------- access

    /**
     * The model the LoRAs are attached to.
     *
     * @return the adapted model
     */
    public Module model() {
        return model;
    }

    /**
     * The configuration they were attached with.
     *
     * @return the configuration
     */
    public LoraConfig config() {
        return config;
    }

    /**
     * The domain names, in routing-index order.
     *
     * @return the domain names, unmodifiable
     */
    public List<String> domains() {
        return domains;
    }

    /**
     * The LoRA layers in model order, by name: the dotted path within the ViT that holds the layer (timm's
     * names, wherever the LoRAs were attached), or within the model where no ViT holds it.
     *
     * @return layer name to its LoRA layer, in model order
     */
    public Map<String, LoraLinear> layers() {
        return layers;
    }

    /**
     * The parameters that train: every LoRA factor, mixer and trainable scale, and whatever was unfrozen.
     *
     * @return the trainable parameters
     */
    public List<Variable> trainableParameters() {
        return model.trainableParameters();
    }

    /**
     * The routing index of {@code domain}.
     *
     * @param domain a domain name given to {@link #attach}
     * @return its index in {@link #domains()}
     */
    public int domainIndex(String domain) {
        int i = domains.indexOf(domain);
        if (i < 0) throw new IllegalArgumentException("unknown domain '" + domain + "' (domains: " + domains + ")");
        return i;
    }

    // ---------------------------------------------------------------- losses

    /**
     * lambda1 L_orth + lambda2 L_ss summed over every layer with domain LoRAs, on the effective (projected)
     * B_i; add it to the task loss. A constant 0 when both weights are 0.
     *
     * @return a scalar: lambda1 L_orth + lambda2 L_ss
     */
    public Variable separationLoss() {
        return separation().total();
    }

    /**
     * The domain-separation loss to add to the task loss, and its two weighted terms' values apart (for a log).
     *
     * @param total        lambda1 L_orth + lambda2 L_ss, as {@link #separationLoss()}
     * @param orthogonality the value of lambda1 L_orth
     * @param subspace     the value of lambda2 L_ss
     */
    public record Separation(Variable total, float orthogonality, float subspace) {
        /**
         * No separation loss: a constant 0.
         *
         * @return a zero total with zero terms
         */
        public static Separation none() {
            return new Separation(Variable.constant(Tensor.scalar(0)), 0, 0);
        }
    }

    /**
     * {@link #separationLoss()} with its two terms' values apart.
     *
     * @return the loss and its two terms
     */
    public Separation separation() {
        if (config.lambdaOrth() == 0 && config.lambdaSeparation() == 0) return Separation.none();
        Variable total = Variable.constant(Tensor.scalar(0));
        float orth = 0, subspace = 0;
        for (LoraLinear layer : layers.values()) {
            if (!layer.hasDomains()) continue;
            List<Variable> bases = new ArrayList<>();
            for (LoraBranch b : layer.domains()) bases.add(b.projectedB());
            if (config.lambdaOrth() != 0) {
                Variable term = SeparationLoss.orthogonality(bases).mul(config.lambdaOrth());
                orth += term.item();
                total = total.add(term);
            }
            if (config.lambdaSeparation() != 0) {
                Variable term = SeparationLoss.subspaceSeparation(bases).mul(config.lambdaSeparation());
                subspace += term.item();
                total = total.add(term);
            }
        }
        return new Separation(total, orth, subspace);
    }

    // ---------------------------------------------------------------- merging

    /**
     * Merges the shared update and {@code domain}'s into every adapted W: the model then costs the frozen ViT.
     *
     * @param domain the domain to deploy
     */
    public void merge(String domain) {
        int d = domainIndex(domain);
        requireUnmerged("merging again");
        for (LoraLinear l : layers.values()) l.merge(d);
        mergedDomain = domain;
    }

    /** Takes the merged updates out again, restoring every W bit for bit (so saved adapters still match the backbone). */
    public void unmerge() {
        if (mergedDomain == null) throw new IllegalStateException("not merged");
        for (LoraLinear l : layers.values()) l.unmerge();
        mergedDomain = null;
    }

    /**
     * The domain the model is merged for, or null.
     *
     * @return the merged domain, or null when unmerged
     */
    public String mergedDomain() {
        return mergedDomain;
    }

    /**
     * The state dict of the plain model deployed for {@code domain}: every adapted layer's weight merged
     * (W + shared + domain update) under the layer's own name, the LoRA parameters left out: the model's
     * layout without LoRA code (a ViT's loads into a plain {@link mdlora.nn.VisionTransformer}).
     *
     * @param domain the domain to deploy
     * @return parameter name to tensor, in the plain model's layout
     */
    public Map<String, Tensor> mergedStateDict(String domain) {
        int d = domainIndex(domain);
        requireUnmerged("exporting");
        Map<String, String> renamed = new HashMap<>();
        Map<String, Tensor> merged = new HashMap<>();
        Set<String> dropped = new HashSet<>();
        for (var e : layers.entrySet()) {
            String p = e.getValue().path() + ".";
            for (String k : e.getValue().stateDict().keySet()) {
                if (k.startsWith(BASE_LAYER)) renamed.put(p + k, p + k.substring(BASE_LAYER.length()));
                else dropped.add(p + k);
            }
            merged.put(p + BASE_LAYER + "weight", e.getValue().mergedWeight(d));
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> {
            if (!dropped.contains(k)) out.put(renamed.getOrDefault(k, k), merged.getOrDefault(k, v));
        });
        return out;
    }

    /**
     * Writes {@link #mergedStateDict} as a safetensors file.
     *
     * @param domain the domain to deploy
     * @param file the safetensors file to write
     * @throws IOException if the file cannot be written
     */
    public void exportMerged(String domain, Path file) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        mergedStateDict(domain).forEach(w::put);
        w.write(file);
    }

    // ---------------------------------------------------------------- analysis

    /**
     * The effective-dimension curves of every trained LoRA (SVD of each dW), per layer and kind.
     *
     * @return the curves, per layer and kind
     */
    public EffectiveDimensions effectiveDimensions() {
        return EffectiveDimensions.of(this);
    }

    // ---------------------------------------------------------------- adapter files

    /**
     * Writes one folder per adapter under {@code dir}, {@code shared} and one per domain, in PEFT's layout
     * (see {@link AdapterFiles}), with a fingerprint of the base weights.
     *
     * @param dir the folder to write the adapter folders under
     * @throws IOException if a file cannot be written
     */
    public void saveAdapters(Path dir) throws IOException {
        saveAdapters(dir, PeftNames.TIMM, Map.of());
    }

    /**
     * As {@link #saveAdapters(Path)}, with the layers under {@code names} and, in each adapter named in
     * {@code modulesToSave}, whole modules beside its LoRAs as PEFT's {@code modules_to_save} (keys
     * {@code <module>.<param>} under timm's names, e.g. a domain's head as {@code head.weight} and {@code head.bias}),
     * so that PEFT restores them together with the LoRAs.
     *
     * @param dir the folder to write the adapter folders under
     * @param names how layer paths map to PEFT module names
     * @param modulesToSave adapter name to its whole modules' tensors (keys {@code <module>.<param>})
     * @throws IOException if a file cannot be written
     */
    public void saveAdapters(Path dir, PeftNames names, Map<String, Map<String, Tensor>> modulesToSave) throws IOException {
        requireUnmerged("saving adapters");
        for (String adapter : modulesToSave.keySet())
            if (!adapterNames().contains(adapter)) throw new IllegalArgumentException("modules to save for '" + adapter + "', which is not an adapter: " + adapterNames());
        AdapterFiles.save(this, dir, names, modulesToSave);
    }

    /**
     * Loads adapters saved by {@link #saveAdapters}, or a PEFT LoRA in the same layout, into this model's
     * LoRAs. Fails, naming the file and the cause, when the base weights' fingerprint, the modules or the
     * ranks differ from this model's. Returns, per adapter, the tensors of the modules it saves whole (PEFT's
     * {@code modules_to_save}, keys {@code <module>.<param>}; empty where it saves none) for the caller to load into
     * its own modules.
     *
     * @param dir the folder holding the adapter folders
     * @return adapter name to its {@code modules_to_save} tensors (empty where none)
     * @throws IOException if a file cannot be read, or the fingerprint, modules or ranks differ
     */
    public Map<String, Map<String, Tensor>> loadAdapters(Path dir) throws IOException {
        requireUnmerged("loading adapters");
        return AdapterFiles.load(this, dir);
    }

    private void requireUnmerged(String what) {
        if (mergedDomain != null) throw new IllegalStateException("the model is merged for '" + mergedDomain + "': unmerge before " + what);
    }

    /**
     * The adapters this model has: {@code shared} if any layer has a shared LoRA, then each domain that has LoRAs.
     *
     * @return the adapter names, {@code shared} first
     */
    public List<String> adapterNames() {
        List<String> names = new ArrayList<>();
        if (!branches(SHARED).isEmpty()) names.add(SHARED);
        for (String d : domains) if (!branches(d).isEmpty()) names.add(d);
        return names;
    }

    /** The LoRAs of adapter {@code adapter} ({@code shared} or a domain) by layer path. */
    Map<String, LoraBranch> branches(String adapter) {
        Map<String, LoraBranch> out = new LinkedHashMap<>();
        int d = adapter.equals(SHARED) ? -1 : domainIndex(adapter);
        for (var e : layers.entrySet()) {
            LoraLinear l = e.getValue();
            LoraBranch b = d < 0 ? l.shared() : l.hasDomains() ? l.domains().get(d) : null;
            if (b != null) out.put(e.getKey(), b);
        }
        return out;
    }

    /** The fingerprint of the frozen weights of every adapted layer, under their paths. */
    String baseFingerprint() {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        layers.forEach((path, l) -> weights.put(path + ".weight", l.base().weight().data()));
        return BaseFingerprint.of(weights);
    }

    // ---------------------------------------------------------------- counts

    /**
     * Parameter counts of the model with its LoRAs.
     *
     * @return total, trainable, shared and per-domain counts
     */
    public ParameterCount parameterCount() {
        long shared = 0;
        long[] perDomain = new long[domains.size()];
        for (LoraLinear l : layers.values()) {
            if (l.shared() != null) shared += l.shared().parameterCount();
            for (int i = 0; i < l.domains().size(); i++) perDomain[i] += l.domains().get(i).parameterCount();
        }
        Map<String, Long> byDomain = new LinkedHashMap<>();
        for (int i = 0; i < perDomain.length; i++) byDomain.put(domains.get(i), perDomain[i]);
        return new ParameterCount(model.parameterCount(), model.trainableParameterCount(), shared, byDomain);
    }
}
