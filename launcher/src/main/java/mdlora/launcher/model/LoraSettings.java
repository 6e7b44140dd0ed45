package mdlora.launcher.model;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mdlora.launcher.config.Config;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.DomainSpec;
import mdlora.launcher.config.Knob;
import mdlora.launcher.config.Suggest;
import mdlora.lora.LoraConfig;
import mdlora.lora.LoraInit;
import mdlora.lora.LoraKind;
import mdlora.lora.MixerInit;
import mdlora.lora.Placement;

/** The {@link LoraConfig} a run's {@code lora.*} knobs describe. */
public final class LoraSettings {
    /** The structure that trains only the heads. */
    public static final String HEAD_ONLY = "head-only";
    /** Layer paths in {@code lora.layers} are timm names inside the backbone of the video classifier. */
    private static final String BACKBONE = "backbone.";

    private LoraSettings() {}

    /** Whether the config attaches LoRAs at all. */
    public static boolean hasLora(Config config) {
        return !config.string(Knob.STRUCTURE).equals(HEAD_ONLY);
    }

    public static LoraConfig of(Config c) {
        boolean ds = c.bool(Knob.DS);
        return LoraConfig.builder()
                .placement(placement(c))
                .sharedRank(c.integer(Knob.RANK_SHARED)).domainRank(c.integer(Knob.RANK_DOMAIN)).domainRanks(domainRanks(c))
                .sharedAlpha((float) c.number(Knob.ALPHA_SHARED)).domainAlpha((float) c.number(Knob.ALPHA_DOMAIN))
                .rsLora(c.bool(Knob.RSLORA)).trainableScales(c.bool(Knob.TRAINABLE_SCALES))
                .dropout((float) c.number(Knob.DROPOUT))
                .subspaceConstraints(c.bool(Knob.SC)).tau(c.number(Knob.TAU)).fullNullSpace(c.bool(Knob.FULL_NULL_SPACE))
                .init(LoraInit.ofWord(c.string(Knob.LORA_INIT))).mixer(MixerInit.ofWord(c.string(Knob.MIXER)))
                .lambdaOrth(ds ? (float) c.number(Knob.LAMBDA1) : 0).lambdaSeparation(ds ? (float) c.number(Knob.LAMBDA2) : 0)
                .unfreezeNorms(unfreezes(c, "norms")).unfreezePatchEmbed(unfreezes(c, "patch_embed")).unfreezePosEmbed(unfreezes(c, "pos_embed"))
                .build();
    }

    private static Placement placement(Config c) {
        List<String> layers = c.strings(Knob.LAYERS);
        String structure = c.string(Knob.STRUCTURE);
        if (!layers.isEmpty() && !structure.equals("custom"))
            throw new ConfigException("lora.layers is given but lora.structure is '" + structure + "'; set --structure custom to use the layer list");
        return switch (structure) {
            case "upper-heavy" -> Placement.upperHeavy();
            case "all-flat" -> Placement.allFlat();
            case "custom" -> custom(layers);
            default -> throw new IllegalStateException("structure " + structure + " has no placement");
        };
    }

    /** Rules {@code LAYER=shared}, {@code LAYER=shared+domain}, {@code LAYER=domain} or {@code LAYER=none}, first match wins. */
    private static Placement custom(List<String> layers) {
        if (layers.isEmpty()) throw new ConfigException("--structure custom needs --layers, e.g. 'blocks.*.attn.qkv=shared,blocks.3.mlp.fc1=shared+domain'");
        List<Placement.Rule> rules = new ArrayList<>();
        for (String rule : layers) {
            int eq = rule.indexOf('=');
            if (eq <= 0) throw new ConfigException("lora.layers entry '" + rule + "' must be LAYER=KINDS, e.g. blocks.3.attn.proj=shared+domain");
            Set<LoraKind> kinds = EnumSet.noneOf(LoraKind.class);
            for (String kind : rule.substring(eq + 1).split("\\+")) {
                switch (kind.strip()) {
                    case "shared" -> kinds.add(LoraKind.SHARED);
                    case "domain" -> kinds.add(LoraKind.DOMAIN);
                    case "none" -> { }
                    default -> throw new ConfigException("lora.layers entry '" + rule + "': unknown kind '" + kind + "' (shared, domain, shared+domain or none)");
                }
            }
            rules.add(new Placement.Rule(BACKBONE + rule.substring(0, eq).strip(), kinds));
        }
        return new Placement("custom", rules);
    }

    private static Map<String, Integer> domainRanks(Config c) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (String entry : c.strings(Knob.DOMAIN_RANKS)) {
            int eq = entry.indexOf('=');
            try {
                if (eq <= 0) throw new NumberFormatException();
                int rank = Integer.parseInt(entry.substring(eq + 1).strip());
                if (rank < 1) throw new NumberFormatException();
                ranks.put(entry.substring(0, eq).strip(), rank);
            } catch (NumberFormatException e) {
                throw new ConfigException("lora.domain_ranks entry '" + entry + "' must be DOMAIN=RANK with RANK >= 1, e.g. ucf=16");
            }
        }
        List<String> names = c.domains().stream().map(DomainSpec::name).toList();
        for (String domain : ranks.keySet())
            if (!names.contains(domain))
                throw new ConfigException("lora.domain_ranks: unknown domain '" + domain + "'"
                        + Suggest.nearest(domain, names, " (did you mean '%s'?)") + " (this run's domains: " + String.join(", ", names) + ")");
        return ranks;
    }

    private static boolean unfreezes(Config c, String part) {
        for (String p : c.strings(Knob.UNFREEZE))
            if (!List.of("norms", "patch_embed", "pos_embed").contains(p))
                throw new ConfigException("lora.unfreeze: unknown part '" + p + "' (norms, patch_embed, pos_embed)");
        return c.strings(Knob.UNFREEZE).contains(part);
    }
}
