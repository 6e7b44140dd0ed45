package mdlora.launcher.config;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mdlora.lora.LoraConfig;
import mdlora.lora.LoraInit;
import mdlora.lora.MixerInit;
import mdlora.tensor.io.Json;
import mdlora.tensor.io.JsonException;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * Every setting of a run, typed, in sections (a fine-tuning run's model, data, lora and train; a pretrain run's
 * pretrain section instead of lora). Each setting is one annotated field: its picocli
 * {@link Option} gives the flag, the help line and (by the field's initial value) the default; its config
 * key is the section and the flag's longest name ({@code --rank-shared} in {@code lora} is
 * {@code lora.rank_shared}); its {@link Bound} the range {@link #validate()} checks. The command line, the
 * JSON config file, {@code --help}, completion and a run's {@code config.json} all read these fields, so
 * adding a setting is adding a field. The LoRA settings default to the library's own
 * {@link LoraConfig#DEFAULTS} (the paper's), so a plain {@code train} is the method as published; {@link Preset}s add
 * whole recipes (the paper's training settings among them).
 */
public final class Settings {
    public final Model model = new Model();
    public final Pretrain pretrain = new Pretrain();
    public final Data data = new Data();
    public final Lora lora = new Lora();
    public final Train train = new Train();
    /** Whether these are the settings of {@code pretrain}, whose runs have a pretrain section and no LoRA section. */
    private final boolean pretraining;

    /** The defaults of a fine-tuning run ({@code train}, {@code demo}, {@code experiment}): every section but pretrain. */
    public Settings() {
        this(false);
    }

    private Settings(boolean pretraining) {
        this.pretraining = pretraining;
    }

    /** The defaults of a {@code pretrain} run: the pretrain section instead of the LoRA one. */
    public static Settings forPretraining() {
        return new Settings(true);
    }

    /** The image-pretrained backbone. */
    public static final class Model {
        @Option(names = "--backbone", paramLabel = "FILE", description = "image-pretrained ViT: 'builtin' (shipped) or a timm/HF .safetensors file")
        public String backbone = "builtin";
        @Option(names = "--heads", paramLabel = "N", description = "attention heads: of a backbone file with no config.json beside it (0: width/64), or of the ViT pretrain makes")
        public int heads = 0;
    }

    /** The architecture of the ViT that {@code pretrain} makes ({@code train} reads it from the backbone file). */
    public static final class Pretrain {
        @Bound(Range.POSITIVE) @Option(names = "--width", paramLabel = "N", description = "token width of the new ViT")
        public int width = 128;
        @Bound(Range.POSITIVE) @Option(names = "--depth", paramLabel = "N", description = "transformer blocks of the new ViT")
        public int depth = 4;
        @Bound(Range.POSITIVE) @Option(names = "--mlp-dim", paramLabel = "N", description = "hidden width of the new ViT's MLPs")
        public int mlpDim = 512;
        @Bound(Range.POSITIVE) @Option(names = "--patch", paramLabel = "N", description = "patch size of the new ViT")
        public int patch = 8;
    }

    /** The domains and how clips become tensors. */
    public static final class Data {

        /** Repeated {@code --domain} flags add up; config key {@code data.domains}. */
        @Option(names = {"--domain", "--domains"}, paramLabel = "NAME=LAYOUT:PATH", converter = DomainSpec.Converter.class,
                description = "a domain (repeat the flag); layouts: ucf101, hmdb51, kinetics, list, frames, synthetic")
        public List<DomainSpec> domains = new ArrayList<>();
        @Bound(Range.POSITIVE) @Option(names = "--frames", paramLabel = "T", description = "frames T sampled per clip")
        public int frames = 8;
        @Option(names = "--image-size", paramLabel = "PX", description = "frame size in pixels, square crop (0: the backbone's own; another size resamples its position embedding)")
        public int imageSize = 0;
        @Option(names = "--mean", paramLabel = "R,G,B", split = ",", description = "per-channel mean subtracted from pixels in [0, 1] (none given: the backbone's own)")
        public List<Double> mean = new ArrayList<>();
        @Option(names = "--std", paramLabel = "R,G,B", split = ",", description = "per-channel standard deviation pixels are then divided by (none given: the backbone's own)")
        public List<Double> std = new ArrayList<>();
        @Option(names = "--cache", paramLabel = "DIR", description = "folder that keeps every frame of each clip, decoded and resized, between epochs and runs (empty: decode every time; the demo uses .cache/frames). It holds whole clips: about 47 MB a UCF101 clip at 224 px")
        public String cache = "";
        @Bound(Range.POSITIVE) @Option(names = "--decode-threads", paramLabel = "N", description = "decoding threads of the loader")
        public int decodeThreads = 2;
        @Option(names = "--split", paramLabel = "1|2|3", description = "official split of the ucf101 and hmdb51 domains (split 1 is the one papers report)")
        public int split = 1;
        @Bound(Range.PROBABILITY) @Option(names = "--max-missing", paramLabel = "FRACTION",
                description = "listed clips whose file is gone are left out (and listed in the run's missing.txt); stop only when more than this fraction of a domain's training or test list is gone")
        public double maxMissing = 0.05;

        /** The domain called {@code name}; an error listing the run's domains when there is none. */
        public DomainSpec domain(String name) {
            for (DomainSpec d : domains) if (d.name().equals(name)) return d;
            throw new ConfigException("unknown domain '" + name + "' (this run's domains: " + String.join(", ", names()) + ")");
        }

        public List<String> names() {
            return domains.stream().map(DomainSpec::name).toList();
        }
    }

    /** Where LoRAs go. */
    public enum Structure {
        UPPER_HEAVY, ALL_FLAT, HEAD_ONLY, CUSTOM;

        /** The config word, e.g. {@code upper-heavy}: picocli parses, completes and shows it. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The shared and domain LoRAs, their constraints and the separation loss. */
    public static final class Lora {
        @Option(names = "--structure", paramLabel = "S", description = "LoRA placement: ${COMPLETION-CANDIDATES} (custom: use --layers)")
        public Structure structure = Structure.UPPER_HEAVY;
        @Option(names = "--layers", paramLabel = "LAYER=KINDS", split = ",",
                description = "explicit placement, comma-separated LAYER=shared or LAYER=shared+domain (glob patterns allowed)")
        public List<String> layers = new ArrayList<>();
        @Bound(Range.POSITIVE) @Option(names = "--rank-shared", paramLabel = "R", description = "rank r of the shared LoRAs")
        public int rankShared = LoraConfig.DEFAULTS.sharedRank();
        @Bound(Range.POSITIVE) @Option(names = "--rank-domain", paramLabel = "R", description = "rank r of the domain LoRAs")
        public int rankDomain = LoraConfig.DEFAULTS.domainRank();
        @Option(names = "--domain-ranks", paramLabel = "DOMAIN=RANK", split = ",", description = "per-domain rank overrides, comma-separated DOMAIN=RANK")
        public List<String> domainRanks = new ArrayList<>();
        @Option(names = "--alpha-shared", paramLabel = "A", description = "alpha of the shared LoRAs (scale alpha/r)")
        public double alphaShared = LoraConfig.DEFAULTS.sharedAlpha();
        @Option(names = "--alpha-domain", paramLabel = "A", description = "alpha of the domain LoRAs")
        public double alphaDomain = LoraConfig.DEFAULTS.domainAlpha();
        @Option(names = "--rslora", arity = "1", paramLabel = "BOOL", showDefaultValue = Visibility.ALWAYS, description = "rank-stabilised scale alpha/sqrt(r)")
        public boolean rslora = false;
        @Option(names = "--trainable-scales", arity = "1", paramLabel = "BOOL", showDefaultValue = Visibility.ALWAYS, description = "train each LoRA's scale, starting at its fixed value (MTLoRA)")
        public boolean trainableScales = false;
        @Option(names = "--sc", arity = "1", paramLabel = "BOOL", showDefaultValue = Visibility.ALWAYS,
                description = "subspace constraints: shared LoRA in the column space, domain LoRAs in the left null space")
        public boolean sc = LoraConfig.DEFAULTS.constrainDomains();
        @Bound(Range.FRACTION) @Option(names = "--tau", paramLabel = "TAU", description = "cumulative-energy threshold that picks k, the dimension of the column space")
        public double tau = LoraConfig.DEFAULTS.tau();
        @Option(names = "--full-null-space", arity = "1", paramLabel = "BOOL", showDefaultValue = Visibility.ALWAYS, description = "domain LoRAs in the full left null space I - Um Um^T")
        public boolean fullNullSpace = false;
        @Option(names = "--init", paramLabel = "INIT", description = "initialisation: lora (A Kaiming, B zero) or paper (both random, B projected)")
        public LoraInit init = LoraConfig.DEFAULTS.init();
        @Option(names = "--ds", arity = "1", paramLabel = "BOOL", showDefaultValue = Visibility.ALWAYS, description = "domain separation: add lambda1 L_orth + lambda2 L_ss to the loss")
        public boolean ds = true;
        @Option(names = "--lambda1", paramLabel = "W", description = "weight of L_orth")
        public double lambda1 = 1.0;
        @Option(names = "--lambda2", paramLabel = "W", description = "weight of L_ss")
        public double lambda2 = 1e-7;
        @Option(names = "--mixer", paramLabel = "M", description = "MoSLoRA r x r mixer and its initialisation: ${COMPLETION-CANDIDATES}")
        public MixerInit mixer = LoraConfig.DEFAULTS.mixer();
        @Bound(Range.PROBABILITY) @Option(names = "--dropout", paramLabel = "P", description = "dropout on the LoRA input (a run with dropout resumes with different masks)")
        public double dropout = 0.0;
        @Option(names = "--unfreeze", paramLabel = "PART", split = ",", description = "also train these backbone parts, comma-separated: norms, patch_embed, pos_embed")
        public List<String> unfreeze = new ArrayList<>();
    }

    /** The optimisers a run can use. */
    public enum Optimizer {
        ADAMW, SGD;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Learning-rate schedules, each after a linear warmup. */
    public enum Schedule {
        COSINE, STEP, CONSTANT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a step's batch draws on the domains. */
    public enum DomainBatches {
        /** {@code --batch} clips a step, each from a domain drawn by {@code --domain-sampling}. */
        MIXED,
        /** {@code --batch} clips of every domain a step. */
        PER_DOMAIN;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The optimisation. */
    public static final class Train {
        @Bound(Range.POSITIVE) @Option(names = "--batch", paramLabel = "N", description = "clips per step (mixed batches) or per domain and step (per-domain batches)")
        public int batch = 8;
        @Option(names = "--domain-batches", paramLabel = "B", description = "mixed: each step --batch clips, each from a domain drawn by --domain-sampling; "
                + "per-domain: each step --batch clips of every domain, the loss the (weighted) sum of the domains' mean cross-entropies (MTLoRA's sum_i w_i L_i)")
        public DomainBatches domainBatches = DomainBatches.MIXED;
        @Option(names = "--domain-sampling", paramLabel = "MODE", description = "how often each domain supplies a clip of a mixed batch: uniform (every domain "
                + "equally often, so a small domain's LoRA and head train as often as a large one's), proportional (to the domain's training clips, "
                + "as pooling all clips does: Kinetics-400 would take ~94% of the paper's mix) or NAME=WEIGHT,... (relative weights, every domain named)")
        public String domainSampling = "uniform";
        @Option(names = "--domain-loss-weights", paramLabel = "NAME=W", split = ",",
                description = "per-domain weights w_i of the cross-entropy (MTLoRA's task weights), comma-separated NAME=W; a domain not named weighs 1")
        public List<String> domainLossWeights = new ArrayList<>();
        @Option(names = "--optimizer", paramLabel = "O", description = "optimiser: ${COMPLETION-CANDIDATES}")
        public Optimizer optimizer = Optimizer.ADAMW;
        @Option(names = "--lr", paramLabel = "LR", description = "peak learning rate")
        public double lr = 2e-3;
        @Option(names = "--weight-decay", paramLabel = "WD", description = "decoupled weight decay (AdamW) or L2 (SGD)")
        public double weightDecay = 0.01;
        @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum")
        public double momentum = 0.9;
        @Option(names = "--schedule", paramLabel = "S", description = "learning-rate schedule (all with linear warmup): ${COMPLETION-CANDIDATES}")
        public Schedule schedule = Schedule.COSINE;
        @Option(names = "--milestones", paramLabel = "STEP|PCT%", split = ",",
                description = "where the step schedule multiplies the learning rate by --gamma (PyTorch's MultiStepLR): step numbers or percentages of the run, comma-separated")
        public List<String> milestones = new ArrayList<>(List.of("60%", "85%"));
        @Bound(Range.FRACTION) @Option(names = "--gamma", paramLabel = "G", description = "factor of the learning rate at each milestone of the step schedule")
        public double gamma = 0.1;
        @Option(names = "--warmup", paramLabel = "N", description = "warmup steps")
        public int warmup = 10;
        @Option(names = "--steps", paramLabel = "N", description = "optimiser steps (ignored when --epochs is set)")
        public int steps = 200;
        @Option(names = "--epochs", paramLabel = "N", description = "epochs (steps whose batches add up to the training set's clips) to train (0: use --steps)")
        public int epochs = 0;
        @Bound(Range.PROBABILITY) @Option(names = "--label-smoothing", paramLabel = "E", description = "label smoothing of the cross-entropy")
        public double labelSmoothing = 0.0;
        @Option(names = "--grad-clip", paramLabel = "NORM", description = "clip the global gradient norm (0: off)")
        public double gradClip = 0.0;
        @Option(names = "--recompute-activations", description = "keep only each block's output and recompute its activations in the backward pass: far less memory (a ViT-B batch of 8 clips x 8 frames), about a third more time, the same gradients")
        public boolean recomputeActivations = false;
        @Option(names = "--eval-every", paramLabel = "N", description = "evaluate every N steps (0: only at the end)")
        public int evalEvery = 50;
        @Option(names = "--eval-clips", paramLabel = "N", description = "clips per domain in the periodic evaluations (0: all)")
        public int evalClips = 0;
        @Bound(Range.POSITIVE) @Option(names = "--test-clips", paramLabel = "N",
                description = "final evaluation: temporal clips per test video, spread uniformly (mmaction2's test protocol; the periodic evaluations take 1)")
        public int testClips = 1;
        @Bound(Range.POSITIVE) @Option(names = "--test-crops", paramLabel = "1|3",
                description = "final evaluation: spatial crops per clip, 1 (centre) or 3 (along the longer side, mmaction2's ThreeCrop); views' softmax averaged per video")
        public int testCrops = 1;
        @Bound(Range.POSITIVE) @Option(names = "--checkpoint-every", paramLabel = "N", description = "checkpoint every N steps (and always at the end or on Ctrl-C)")
        public int checkpointEvery = 50;
        @Option(names = "--seed", paramLabel = "N", description = "seed of initialisation, data order and augmentation")
        public int seed = 0;
        @Option(names = "--threads", paramLabel = "N", description = "compute threads (0: all cores); a run resumes with the same count")
        public int threads = 0;

        /**
         * The step schedule's milestones in a run of {@code steps} steps: each entry a step number or a
         * percentage of the run, strictly increasing (a percentage that rounds onto the step before moves one on).
         */
        public int[] milestoneSteps(int steps) {
            int[] out = new int[milestones.size()];
            for (int i = 0; i < out.length; i++) {
                String m = milestones.get(i).strip();
                int step;
                try {
                    step = m.endsWith("%") ? (int) (Double.parseDouble(m.substring(0, m.length() - 1)) / 100 * steps) : Integer.parseInt(m);
                } catch (NumberFormatException e) {
                    throw new ConfigException("train.milestones (--milestones) takes step numbers or percentages such as 60%, got '" + m + "'");
                }
                if (step < 0 || m.startsWith("-")) throw new ConfigException("train.milestones (--milestones) must not be negative, got '" + m + "'");
                out[i] = i > 0 ? Math.max(step, out[i - 1] + 1) : step;
            }
            return out;
        }
    }

    /** The range of a numeric setting; {@link Range#NON_NEGATIVE} when a field has no {@code @Bound}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Bound {
        Range value();
    }

    /** Ranges of numeric settings, each with its test and how an error states it. */
    public enum Range {
        NON_NEGATIVE("must not be negative"), POSITIVE("must be positive"), FRACTION("must be in (0, 1]"), PROBABILITY("must be in [0, 1)");

        private final String rule;

        Range(String rule) {
            this.rule = rule;
        }

        /** Checks {@code value} of the setting called {@code name} (its flag, or key and flag): an error stating the rule when outside. */
        public void check(String name, Number value) {
            double v = value.doubleValue();
            if (!Double.isFinite(v)) throw new ConfigException(name + " must be a finite number, got " + v);
            if (!admits(v)) throw new ConfigException(name + " " + rule + ", got " + value);
        }

        boolean admits(double v) {
            return switch (this) {
                case NON_NEGATIVE -> v >= 0;
                case POSITIVE -> v > 0;
                case FRACTION -> v > 0 && v <= 1;
                case PROBABILITY -> v >= 0 && v < 1;
            };
        }
    }

    // ---------------------------------------------------------------- the settings as keys

    /** One setting: its section object, its field and its dotted config key. */
    public record Setting(Object section, Field field, String key) {
        /** The flag's longest name, e.g. {@code --rank-shared}. */
        public String flag() {
            return Arrays.stream(field.getAnnotation(Option.class).names()).reduce((a, b) -> b.length() > a.length() ? b : a).orElseThrow();
        }

        public Object get() {
            try {
                return field.get(section);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        void set(Object value) {
            try {
                field.set(section, value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The sections a run of these settings uses, by their config names, in the order of a config file. */
    public Map<String, Object> sections() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", model);
        if (pretraining) s.put("pretrain", pretrain);
        s.put("data", data);
        if (!pretraining) s.put("lora", lora);
        s.put("train", train);
        return s;
    }

    /** Every setting, section by section, in declaration order. */
    public List<Setting> settings() {
        List<Setting> all = new ArrayList<>();
        sections().forEach((name, section) -> {
            for (Field f : section.getClass().getFields()) {
                Option o = f.getAnnotation(Option.class);
                if (o == null) continue;
                String longest = Arrays.stream(o.names()).reduce((a, b) -> b.length() > a.length() ? b : a).orElseThrow();
                all.add(new Setting(section, f, name + "." + longest.substring(2).replace('-', '_')));
            }
        });
        return all;
    }

    /** Checks every numeric setting against its {@link Bound}: the one place settings are validated. */
    public Settings validate() {
        for (Setting s : settings()) {
            if (!(s.get() instanceof Number n)) continue;
            Bound bound = s.field().getAnnotation(Bound.class);
            (bound == null ? Range.NON_NEGATIVE : bound.value()).check(s.key() + " (" + s.flag() + ")", n);
        }
        channels("data.mean (--mean)", data.mean, Range.NON_NEGATIVE);
        channels("data.std (--std)", data.std, Range.POSITIVE);
        train.milestoneSteps(1);
        return this;
    }

    /** A per-channel setting: none (the backbone's) or three numbers, each in {@code range}. */
    private static void channels(String name, List<Double> values, Range range) {
        if (!values.isEmpty() && values.size() != 3) throw new ConfigException(name + " takes 3 numbers (R,G,B), got " + values.size());
        for (double v : values) range.check(name, v);
    }

    /** The full settings as nested JSON values, the form of a run's {@code config.json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> nested = new LinkedHashMap<>();
        for (Setting s : settings()) {
            String section = s.key().substring(0, s.key().indexOf('.'));
            @SuppressWarnings("unchecked")
            Map<String, Object> members = (Map<String, Object>) nested.computeIfAbsent(section, k -> new LinkedHashMap<String, Object>());
            Object v = s.get();
            Object json = v instanceof Enum<?> e ? e.toString()
                    : v instanceof List<?> list ? list.stream().map(x -> x instanceof DomainSpec d ? d.toJson() : x).toList()
                    : v;
            members.put(s.key().substring(section.length() + 1), json);
        }
        return nested;
    }

    /** A copy of these settings, independent of them. */
    public Settings copy() {
        return new Settings(pretraining).withJson(Json.parseObject(Json.write(toJson())), Set.of());
    }

    /**
     * Reads a run's {@code config.json} over the defaults, validated: a pretrain run's when it has a pretrain section
     * and no domains. Runs written before each kind had its own sections hold every section; the other kind's is passed over.
     */
    public static Settings read(Path file) {
        try {
            Map<String, Object> json = new LinkedHashMap<>(Json.parseObject(text(file)));
            boolean pretraining = json.containsKey("pretrain")
                    && !(json.get("data") instanceof Map<?, ?> data && data.get("domains") instanceof List<?> domains && !domains.isEmpty());
            json.remove(pretraining ? "lora" : "pretrain");
            return new Settings(pretraining).withJson(json, Set.of()).validate();
        } catch (JsonException | ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    /**
     * These settings with those in a JSON config file, except the settings whose flags are in
     * {@code given} (given on the command line, which wins); unknown keys and wrong types are errors
     * naming the file and the key.
     */
    public Settings withFile(Path file, Set<String> given) {
        String text = text(file);
        try {
            return withJson(Json.parseObject(text), given);
        } catch (JsonException | ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** These settings with those of a nested JSON object ({@code {"lora": {"tau": 0.9}}}), except the flags in {@code given}. */
    public Settings withJson(Map<String, Object> nested, Set<String> given) {
        Map<String, Setting> byKey = new LinkedHashMap<>();
        for (Setting s : settings()) byKey.put(s.key(), s);
        for (var section : nested.entrySet()) {
            if (!(section.getValue() instanceof Map<?, ?> members))
                throw new ConfigException("'" + section.getKey() + "' must be an object of settings (sections: " + String.join(", ", sections().keySet()) + ")");
            for (var member : members.entrySet()) {
                String key = section.getKey() + "." + member.getKey();
                Setting s = byKey.get(key);
                if (s == null) throw new ConfigException("unknown config key '" + key + "'" + Suggest.nearest(key, byKey.keySet(), " (did you mean '%s'?)"));
                if (!given.contains(s.flag())) s.set(fromJson(s, member.getValue()));
            }
        }
        return this;
    }

    /** A JSON value as the type of {@code s}'s field. */
    private static Object fromJson(Setting s, Object value) {
        Class<?> type = s.field().getType();
        if (type == int.class && value instanceof Long l && l == l.intValue()) return l.intValue();
        if (type == double.class && value instanceof Number n) return n.doubleValue();
        if (type == boolean.class && value instanceof Boolean b) return b;
        if (type == String.class && value instanceof String t) return t;
        if (type.isEnum() && value instanceof String t) {
            for (Object c : type.getEnumConstants()) if (c.toString().equals(t)) return c;
            throw new ConfigException(s.key() + " must be one of " + String.join(", ", Arrays.stream(type.getEnumConstants()).map(Object::toString).toList())
                    + ", got '" + t + "'");
        }
        if (type == List.class && value instanceof List<?> list) {
            var element = ((ParameterizedType) s.field().getGenericType()).getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                if (element == DomainSpec.class) out.add(DomainSpec.fromJson(o));
                else if (element == Double.class && o instanceof Number n) out.add(n.doubleValue());
                else if (element == String.class && o instanceof String t) out.add(t);
                else throw wrongType(s, element == Double.class ? "an array of numbers" : "an array of strings", value);
            }
            return out;
        }
        String expected = type == int.class ? "an integer" : type == double.class ? "a number" : type == boolean.class ? "true or false"
                : type == List.class ? "an array" : "a string";
        throw wrongType(s, expected, value);
    }

    private static ConfigException wrongType(Setting s, String expected, Object value) {
        return new ConfigException(s.key() + " must be " + expected + ", got " + Json.typeName(value) + " " + Json.write(value));
    }
}
