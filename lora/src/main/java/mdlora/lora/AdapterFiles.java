package mdlora.lora;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.tensor.io.SafetensorsFile;
import mdlora.tensor.io.SafetensorsWriter;

/**
 * The adapters of a {@link MultiDomainLora} on disk, in PEFT's layout: one folder per named adapter
 * ({@code shared}, then one per domain), each with {@code adapter_config.json} and
 * {@code adapter_model.safetensors}.
 *
 * <p>What PEFT reads is an exact plain LoRA: {@code base_model.model.<module>.lora_A.weight} [r, in] and
 * {@code lora_B.weight} [out, r] with the projection, the mixer and a learned scale folded in, so that
 * PEFT's {@code lora_alpha / r} (or rsLoRA's) times lora_B lora_A is our s P B M A^T; loading the shared and
 * one domain adapter together in PEFT gives that domain's model. What PEFT ignores carries the rest: an
 * {@code "mdlora"} object in the config (method flags, tau, subspace dimensions, the base fingerprint) and
 * tensors named {@code mdlora.<module>.A|M|scale} holding the raw factors that the folding hides.
 *
 * <p>Whole modules an adapter carries besides its LoRAs (a domain's classification head) are PEFT's
 * {@code modules_to_save}: listed by name in the config and stored as {@code base_model.model.<module>.<param>},
 * the key PEFT's {@code get_peft_model_state_dict} writes (it drops the {@code modules_to_save.<adapter>} infix) and
 * {@code set_peft_model_state_dict} reads back into the module's copy. The layer names are timm's, or Hugging
 * Face ViT's ({@link PeftNames}) for adapters meant for a {@code transformers} model; this class reads back timm's.
 */
final class AdapterFiles {
    static final String CONFIG = "adapter_config.json", WEIGHTS = "adapter_model.safetensors";
    private static final String PEFT_PREFIX = "base_model.model.", EXTRA_PREFIX = "mdlora.";
    private static final int FORMAT = 1;
    /** How far out of its subspace a loaded B may stick: float rounding of a projected B is ~1e-7. */
    private static final double SUBSPACE_TOLERANCE = 1e-4;

    private AdapterFiles() {}

    // ---------------------------------------------------------------- saving

    /**
     * @param modulesToSave per adapter, the state dicts of the whole modules it carries (keys {@code <module>.<param>}
     *                      under timm's names, e.g. {@code head.weight}); adapters not in the map carry none
     */
    static void save(MultiDomainLora lora, Path dir, PeftNames names, Map<String, Map<String, Tensor>> modulesToSave) throws IOException {
        String fingerprint = lora.baseFingerprint();
        for (String adapter : lora.adapterNames()) {
            Map<String, LoraBranch> branches = lora.branches(adapter);
            Map<String, Tensor> extra = modulesToSave.getOrDefault(adapter, Map.of());
            Path folder = dir.resolve(adapter);
            Files.createDirectories(folder);
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            List<String> targets = new ArrayList<>();
            branches.forEach((path, b) -> targets.addAll(putTensors(w, names, path, b)));
            TreeSet<String> saved = new TreeSet<>();
            extra.forEach((key, t) -> {
                String module = names.module(key.substring(0, key.lastIndexOf('.')));
                saved.add(module);
                w.put(PEFT_PREFIX + module + key.substring(key.lastIndexOf('.')), t);
            });
            w.write(folder.resolve(WEIGHTS));
            Files.writeString(folder.resolve(CONFIG), Json.writePretty(config(lora, adapter, branches, targets, saved, names, fingerprint)));
        }
    }

    /** Writes one LoRA under its target modules' names (three for a qkv under Hugging Face's); returns those names. */
    private static List<String> putTensors(SafetensorsWriter w, PeftNames names, String module, LoraBranch b) {
        Tensor a = b.loraA().data(), m = b.mixer() == null ? null : b.mixer().data();
        Tensor projectedB = b.subspace() == null ? b.loraB().data() : b.subspace().project(b.loraB().data());
        Tensor peftA = m == null ? a : m.matmul(a), peftB = projectedB.mul(b.scale() / b.configuredScale());
        List<String> targets = new ArrayList<>();
        for (PeftNames.Target t : names.targets(module, peftB.size(0))) {
            w.put(PEFT_PREFIX + t.module() + ".lora_A.weight", peftA);
            w.put(PEFT_PREFIX + t.module() + ".lora_B.weight", peftB.slice(0, t.from(), t.to()));
            targets.add(t.module());
        }
        if (m != null) {
            w.put(EXTRA_PREFIX + module + ".A", a);
            w.put(EXTRA_PREFIX + module + ".M", m);
        }
        if (b.trainableScale() != null) w.put(EXTRA_PREFIX + module + ".scale", Tensor.scalar(b.scale()).reshape(1));
        return targets;
    }

    private static Map<String, Object> config(MultiDomainLora lora, String adapter, Map<String, LoraBranch> branches, List<String> targets,
                                              TreeSet<String> modulesToSave, PeftNames names, String fingerprint) {
        LoraConfig c = lora.config();
        boolean shared = adapter.equals(MultiDomainLora.SHARED);
        LoraBranch first = branches.values().iterator().next();
        Map<String, Object> peft = new LinkedHashMap<>();
        peft.put("peft_type", "LORA");
        peft.put("task_type", null);
        peft.put("base_model_name_or_path", null);
        peft.put("revision", null);
        peft.put("inference_mode", true);
        peft.put("r", first.rank());
        peft.put("lora_alpha", (double) (shared ? c.sharedAlpha() : c.domainAlpha()));
        peft.put("lora_dropout", (double) c.dropout());
        peft.put("use_rslora", c.rsLora());
        peft.put("target_modules", targets);
        peft.put("bias", "none");
        peft.put("fan_in_fan_out", false);
        peft.put("modules_to_save", modulesToSave.isEmpty() ? null : List.copyOf(modulesToSave));
        peft.put("init_lora_weights", true);
        peft.put("layers_to_transform", null);
        peft.put("layers_pattern", null);
        peft.put("rank_pattern", Map.of());
        peft.put("alpha_pattern", Map.of());
        peft.put("use_dora", false);

        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("format", FORMAT);
        ours.put("adapter", shared ? "shared" : "domain");
        ours.put("names", lower(names));
        ours.put("domains", lora.domains());
        ours.put("placement", c.placement().name());
        ours.put("init", lower(c.init()));
        ours.put("mixer", lower(c.mixer()));
        ours.put("trainable_scales", c.trainableScales());
        ours.put("subspace", first.subspace() == null ? "none" : shared ? "column" : c.fullNullSpace() ? "full_left_null" : "left_null");
        ours.put("tau", c.tau());
        Map<String, Object> dims = new LinkedHashMap<>();
        branches.forEach((path, b) -> { if (b.subspace() != null) dims.put(path, b.subspace().dimension()); });
        ours.put("subspace_dimensions", dims);
        ours.put("lambda_orth", (double) c.lambdaOrth());
        ours.put("lambda_separation", (double) c.lambdaSeparation());
        ours.put("base_fingerprint", fingerprint);
        peft.put("mdlora", ours);
        return peft;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- loading

    /** Loads every adapter's LoRAs; returns, per adapter, the tensors of the modules it saves whole (keys {@code <module>.<param>}). */
    static Map<String, Map<String, Tensor>> load(MultiDomainLora lora, Path dir) throws IOException {
        Map<String, Map<String, Tensor>> modulesToSave = new LinkedHashMap<>();
        String fingerprint = null;
        for (String adapter : lora.adapterNames()) {
            Path folder = dir.resolve(adapter);
            if (!Files.isRegularFile(folder.resolve(CONFIG)) || !Files.isRegularFile(folder.resolve(WEIGHTS)))
                throw new IllegalArgumentException(folder + ": no " + CONFIG + " and " + WEIGHTS + " for adapter '" + adapter
                        + "' (expected one folder per adapter: " + lora.adapterNames() + ")");
            Map<String, Object> cfg = Json.parseObject(Files.readString(folder.resolve(CONFIG)));
            String stored = storedFingerprint(cfg, folder);
            if (stored != null) {
                if (fingerprint == null) fingerprint = lora.baseFingerprint();
                if (!stored.equals(fingerprint))
                    throw new IllegalArgumentException(folder + ": this adapter was trained on a different backbone: its base weights "
                            + "have fingerprint " + stored + ", this model's " + fingerprint);
            }
            Object names = cfg.get("mdlora") instanceof Map<?, ?> ours ? ours.get("names") : null;
            if (names != null && !names.equals(lower(PeftNames.TIMM)))
                throw new IllegalArgumentException(folder.resolve(CONFIG) + ": the adapter's layers have " + names + " names (written for that "
                        + "library's model, not mdlora's); load the timm-named adapters of the run instead");
            loadAdapter(lora, folder, cfg, lora.branches(adapter));
            modulesToSave.put(adapter, savedModules(folder, cfg));
        }
        return modulesToSave;
    }

    /** The tensors of the config's {@code modules_to_save}, by {@code <module>.<param>}. */
    private static Map<String, Tensor> savedModules(Path folder, Map<String, Object> cfg) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Object listed = cfg.get("modules_to_save");
        if (listed == null) return out;
        if (!(listed instanceof List<?> modules))
            throw new IllegalArgumentException(folder.resolve(CONFIG) + ": modules_to_save must be a list of module names or null, found " + Json.typeName(listed));
        try (SafetensorsFile f = SafetensorsFile.open(folder.resolve(WEIGHTS))) {
            for (Object module : modules) {
                String prefix = PEFT_PREFIX + module + ".";
                int found = 0;
                for (String name : f.names()) {
                    if (!name.startsWith(prefix) || name.substring(prefix.length()).contains(".")) continue;
                    Tensor t = f.tensor(name);
                    if (t.hasNonFinite()) throw new IllegalArgumentException(f.path() + ": '" + name + "' holds NaN or infinity");
                    out.put(name.substring(PEFT_PREFIX.length()), t);
                    found++;
                }
                if (found == 0) throw new IllegalArgumentException(f.path() + ": modules_to_save lists '" + module + "' but the file has no " + prefix + "* tensor");
            }
        }
        return out;
    }

    private static void loadAdapter(MultiDomainLora lora, Path folder, Map<String, Object> cfg, Map<String, LoraBranch> branches) throws IOException {
        if (!"LORA".equals(cfg.get("peft_type")))
            throw new IllegalArgumentException(folder.resolve(CONFIG) + ": peft_type is " + cfg.get("peft_type") + ", not LORA");
        int r = (int) number(cfg, "r", folder);
        double alpha = number(cfg, "lora_alpha", folder);
        boolean rsLora = Boolean.TRUE.equals(cfg.get("use_rslora"));
        double peftScale = alpha / (rsLora ? Math.sqrt(r) : r);
        checkModules(lora, folder, cfg, branches);
        try (SafetensorsFile f = SafetensorsFile.open(folder.resolve(WEIGHTS))) {
            for (var e : branches.entrySet()) {
                String module = e.getKey();
                LoraBranch b = e.getValue();
                if (b.rank() != r)
                    throw new IllegalArgumentException(folder + ": the adapter has rank " + r + " but this model's LoRA at '" + module
                            + "' has rank " + b.rank() + "; attach with the adapter's ranks");
                loadBranch(f, module, b, peftScale);
            }
        }
    }

    /** Sets A, M, the scale and B so that s P B M A^T equals the file's PEFT view peftScale * lora_B lora_A. */
    private static void loadBranch(SafetensorsFile f, String module, LoraBranch b, double peftScale) {
        boolean hasMixer = f.contains(EXTRA_PREFIX + module + ".M");
        if (hasMixer && b.mixer() == null)
            throw new IllegalArgumentException(f.path() + ": '" + module + "' has a MoSLoRA mixer but this model's LoRA has none; attach with a mixer");
        Tensor a = tensor(f, hasMixer ? EXTRA_PREFIX + module + ".A" : PEFT_PREFIX + module + ".lora_A.weight", b.loraA().shape());
        Tensor m = hasMixer ? tensor(f, EXTRA_PREFIX + module + ".M", b.mixer().shape()) : null;
        Tensor peftB = tensor(f, PEFT_PREFIX + module + ".lora_B.weight", b.loraB().shape());
        String scaleName = EXTRA_PREFIX + module + ".scale";
        if (f.contains(scaleName) && b.trainableScale() != null) b.trainableScale().data().copyFromInPlace(tensor(f, scaleName, 1));
        Tensor raw = peftB.mul((float) (peftScale / b.scale()));
        if (b.subspace() != null && b.subspace().residual(raw) > SUBSPACE_TOLERANCE)
            throw new IllegalArgumentException(f.path() + ": lora_B of '" + module + "' lies outside the subspace this model holds it to "
                    + "(relative residual " + b.subspace().residual(raw) + "); it was trained without the same constraint: attach without "
                    + "subspace constraints to load it");
        b.loraA().data().copyFromInPlace(a);
        b.loraB().data().copyFromInPlace(raw);
        if (b.mixer() != null) b.mixer().data().copyFromInPlace(m != null ? m : Tensor.eye(b.rank()));
    }

    private static Tensor tensor(SafetensorsFile f, String name, int... shape) {
        if (!f.contains(name)) throw new IllegalArgumentException(f.path() + ": no tensor '" + name + "'");
        Tensor t = f.tensor(name);
        if (!Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException(f.path() + ": '" + name + "' has shape " + Shape.str(t.shape()) + ", this model needs " + Shape.str(shape));
        if (t.hasNonFinite()) throw new IllegalArgumentException(f.path() + ": '" + name + "' holds NaN or infinity");
        return t;
    }

    private static void checkModules(MultiDomainLora lora, Path folder, Map<String, Object> cfg, Map<String, LoraBranch> branches) {
        if (!(cfg.get("target_modules") instanceof List<?> listed))
            throw new IllegalArgumentException(folder.resolve(CONFIG) + ": target_modules must be a list of module paths, found "
                    + Json.typeName(cfg.get("target_modules")));
        TreeSet<String> expected = new TreeSet<>(), found = new TreeSet<>();
        for (String p : branches.keySet()) expected.add(p);
        for (Object o : listed) found.add(String.valueOf(o));
        if (expected.equals(found)) return;
        List<String> missing = new ArrayList<>(expected), unexpected = new ArrayList<>(found);
        missing.removeAll(found);
        unexpected.removeAll(expected);
        throw new IllegalArgumentException(folder.resolve(CONFIG) + ": the adapter's modules differ from this model's LoRA layers"
                + (missing.isEmpty() ? "" : "; not in the adapter: " + missing) + (unexpected.isEmpty() ? "" : "; not LoRA layers here: " + unexpected)
                + " (attach with the placement the adapter was trained with)");
    }

    private static double number(Map<String, Object> cfg, String key, Path folder) {
        if (!(cfg.get(key) instanceof Number n))
            throw new IllegalArgumentException(folder.resolve(CONFIG) + ": '" + key + "' must be a number, found " + Json.typeName(cfg.get(key)));
        return n.doubleValue();
    }

    private static String storedFingerprint(Map<String, Object> cfg, Path folder) {
        if (!(cfg.get("mdlora") instanceof Map<?, ?> ours)) return null;
        Object fp = ours.get("base_fingerprint");
        if (fp != null && !(fp instanceof String))
            throw new IllegalArgumentException(folder.resolve(CONFIG) + ": mdlora.base_fingerprint must be a string, found " + Json.typeName(fp));
        return (String) fp;
    }
}
