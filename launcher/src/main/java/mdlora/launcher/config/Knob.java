package mdlora.launcher.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import mdlora.lora.LoraConfig;
import mdlora.lora.LoraInit;
import mdlora.lora.MixerInit;

/**
 * Every setting of a run, in one table: its key in the JSON config file ({@code section.name}), its
 * command-line flag, its type, its default and its help line. The config file, the command-line
 * overrides, {@code --help}, validation and the resolved {@code config.json} of a run all come from here.
 * The LoRA knobs default to the library's own {@link LoraConfig#DEFAULTS} (the paper's settings), so a
 * plain {@code train} is the method as published; the demo is a preset that overrides some of them.
 */
public enum Knob {
    // model
    BACKBONE("model.backbone", KnobType.STRING, "builtin", "image-pretrained ViT: 'builtin' (shipped) or a timm/HF .safetensors file"),
    HEADS("model.heads", KnobType.INT, 0, "attention heads: of a backbone file with no config.json beside it (0: width/64), or of the ViT pretrain makes"),
    // pretrain: the architecture of the ViT that pretrain makes (train reads it from the backbone file)
    WIDTH("pretrain.width", KnobType.INT, 128, "token width of the new ViT"),
    DEPTH("pretrain.depth", KnobType.INT, 4, "transformer blocks of the new ViT"),
    MLP_DIM("pretrain.mlp_dim", KnobType.INT, 512, "hidden width of the new ViT's MLPs"),
    PATCH("pretrain.patch", KnobType.INT, 8, "patch size of the new ViT"),
    // data
    DOMAINS("data.domains", KnobType.DOMAINS, List.of(), "domains as NAME=LAYOUT:PATH (layouts: ucf101, hmdb51, kinetics, list, frames, synthetic); repeat the flag"),
    FRAMES("data.frames", KnobType.INT, 8, "frames T sampled per clip"),
    IMAGE_SIZE("data.image_size", KnobType.INT, 64, "frame size in pixels (square crop)"),
    CACHE("data.cache", KnobType.STRING, "", "folder that keeps decoded, resized frames between epochs and runs (empty: decode every time)"),
    WORKERS("data.workers", KnobType.INT, 2, "decoding threads of the loader"),
    // lora
    STRUCTURE("lora.structure", KnobType.STRING, "upper-heavy", "LoRA placement (custom: use --layers)", "upper-heavy", "all-flat", "head-only", "custom"),
    LAYERS("lora.layers", KnobType.STRINGS, List.of(), "explicit placement, comma-separated LAYER=shared or LAYER=shared+domain (glob patterns allowed)"),
    RANK_SHARED("lora.rank_shared", KnobType.INT, LoraConfig.DEFAULTS.sharedRank(), "rank r of the shared LoRAs"),
    RANK_DOMAIN("lora.rank_domain", KnobType.INT, LoraConfig.DEFAULTS.domainRank(), "rank r of the domain LoRAs"),
    DOMAIN_RANKS("lora.domain_ranks", KnobType.STRINGS, List.of(), "per-domain rank overrides, comma-separated DOMAIN=RANK"),
    ALPHA_SHARED("lora.alpha_shared", KnobType.FLOAT, (double) LoraConfig.DEFAULTS.sharedAlpha(), "alpha of the shared LoRAs (scale alpha/r)"),
    ALPHA_DOMAIN("lora.alpha_domain", KnobType.FLOAT, (double) LoraConfig.DEFAULTS.domainAlpha(), "alpha of the domain LoRAs"),
    RSLORA("lora.rslora", KnobType.BOOL, false, "rank-stabilised scale alpha/sqrt(r)"),
    TRAINABLE_SCALES("lora.trainable_scales", KnobType.BOOL, false, "train each LoRA's scale, starting at its fixed value (MTLoRA)"),
    SC("lora.sc", KnobType.BOOL, LoraConfig.DEFAULTS.constrainDomains(), "subspace constraints: shared LoRA in the column space, domain LoRAs in the left null space"),
    TAU("lora.tau", KnobType.FLOAT, LoraConfig.DEFAULTS.tau(), "cumulative-energy threshold that picks k, the dimension of the column space"),
    FULL_NULL_SPACE("lora.full_null_space", KnobType.BOOL, false, "domain LoRAs in the full left null space I - Um Um^T"),
    LORA_INIT("lora.init", KnobType.STRING, LoraConfig.DEFAULTS.init().word(), "initialisation: lora (A Kaiming, B zero) or paper (both random, B projected)",
            words(LoraInit.values(), LoraInit::word)),
    DS("lora.ds", KnobType.BOOL, true, "domain separation: add lambda1 L_orth + lambda2 L_ss to the loss"),
    LAMBDA1("lora.lambda1", KnobType.FLOAT, 1.0, "weight of L_orth"),
    LAMBDA2("lora.lambda2", KnobType.FLOAT, 1e-7, "weight of L_ss"),
    MIXER("lora.mixer", KnobType.STRING, LoraConfig.DEFAULTS.mixer().word(), "MoSLoRA r x r mixer and its initialisation",
            words(MixerInit.values(), MixerInit::word)),
    DROPOUT("lora.dropout", KnobType.FLOAT, 0.0, "dropout on the LoRA input (a run with dropout resumes with different masks)"),
    UNFREEZE("lora.unfreeze", KnobType.STRINGS, List.of(), "also train these backbone parts, comma-separated: norms, patch_embed, pos_embed"),
    // train
    BATCH("train.batch", KnobType.INT, 8, "clips per step (domains mixed)"),
    OPTIMIZER("train.optimizer", KnobType.STRING, "adamw", "optimiser", "adamw", "sgd"),
    LR("train.lr", KnobType.FLOAT, 2e-3, "peak learning rate"),
    WEIGHT_DECAY("train.weight_decay", KnobType.FLOAT, 0.01, "decoupled weight decay (AdamW) or L2 (SGD)"),
    MOMENTUM("train.momentum", KnobType.FLOAT, 0.9, "SGD momentum"),
    SCHEDULE("train.schedule", KnobType.STRING, "cosine", "learning-rate schedule (all with linear warmup)", "cosine", "step", "constant"),
    WARMUP("train.warmup", KnobType.INT, 10, "warmup steps"),
    STEPS("train.steps", KnobType.INT, 200, "optimiser steps (ignored when --epochs is set)"),
    EPOCHS("train.epochs", KnobType.INT, 0, "epochs over the mixed training set (0: use --steps)"),
    LABEL_SMOOTHING("train.label_smoothing", KnobType.FLOAT, 0.0, "label smoothing of the cross-entropy"),
    GRAD_CLIP("train.grad_clip", KnobType.FLOAT, 0.0, "clip the global gradient norm (0: off)"),
    EVAL_EVERY("train.eval_every", KnobType.INT, 50, "evaluate every N steps (0: only at the end)"),
    EVAL_CLIPS("train.eval_clips", KnobType.INT, 0, "clips per domain in the periodic evaluations (0: all)"),
    CHECKPOINT_EVERY("train.checkpoint_every", KnobType.INT, 50, "checkpoint every N steps (and always at the end or on Ctrl-C)"),
    SEED("train.seed", KnobType.INT, 0, "seed of initialisation, data order and augmentation"),
    THREADS("train.threads", KnobType.INT, 0, "compute threads (0: all cores); a run resumes with the same count");

    private final String key;
    private final KnobType type;
    private final Object defaultValue;
    private final String help;
    private final List<String> choices;

    Knob(String key, KnobType type, Object defaultValue, String help, String... choices) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.help = help;
        this.choices = List.of(choices);
    }

    /** The section of the key ({@code model}, {@code pretrain}, {@code data}, {@code lora}, {@code train}). */
    public String section() {
        return key.substring(0, key.indexOf('.'));
    }

    /** The dotted key in the config file, e.g. {@code lora.rank_shared}. */
    public String key() {
        return key;
    }

    /** The command-line flag without dashes, e.g. {@code rank-shared}; {@code domain} (repeatable) for the domain list. */
    public String flag() {
        if (this == DOMAINS) return "domain";
        return key.substring(section().length() + 1).replace('_', '-');
    }

    public KnobType type() {
        return type;
    }

    public Object defaultValue() {
        return defaultValue;
    }

    public String help() {
        return help;
    }

    /** The allowed values of a string knob with a fixed set of them; empty for any value. */
    public List<String> choices() {
        return choices;
    }

    /** The words of an enum's choices, in its order: a knob's choices come from the library's own type. */
    private static <E> String[] words(E[] choices, Function<E, String> word) {
        return Arrays.stream(choices).map(word).toArray(String[]::new);
    }

    /** The knob whose dotted key is {@code key}, or null. */
    public static Knob byKey(String key) {
        for (Knob k : values()) if (k.key.equals(key)) return k;
        return null;
    }
}
