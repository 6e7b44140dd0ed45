package mdlora.launcher.model;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Settings;
import mdlora.launcher.config.Settings.Structure;
import mdlora.launcher.config.Suggest;
import mdlora.lora.LoraConfig;
import mdlora.lora.LoraKind;
import mdlora.lora.Placement;

/** The {@link LoraConfig} a run's {@code lora.*} settings describe. */
public final class LoraSettings {

    private LoraSettings() {}

    /** Whether the config attaches LoRAs at all. */
    public static boolean hasLora(Settings settings) {
        return settings.lora.structure != Structure.HEAD_ONLY;
    }

    public static LoraConfig of(Settings settings) {
        Settings.Lora c = settings.lora;
        return LoraConfig.builder()
                .placement(placement(c))
                .sharedRank(c.rankShared).domainRank(c.rankDomain).domainRanks(domainRanks(c, settings.data.names()))
                .sharedAlpha((float) c.alphaShared).domainAlpha((float) c.alphaDomain)
                .rsLora(c.rslora).trainableScales(c.trainableScales)
                .dropout((float) c.dropout)
                .subspaceConstraints(c.sc).tau(c.tau).fullNullSpace(c.fullNullSpace)
                .init(c.init).mixer(c.mixer)
                .lambdaOrth(c.ds ? (float) c.lambda1 : 0).lambdaSeparation(c.ds ? (float) c.lambda2 : 0)
                .unfreezeNorms(unfreezes(c, "norms")).unfreezePatchEmbed(unfreezes(c, "patch_embed")).unfreezePosEmbed(unfreezes(c, "pos_embed"))
                .build();
    }

    private static Placement placement(Settings.Lora c) {
        if (!c.layers.isEmpty() && c.structure != Structure.CUSTOM)
            throw new ConfigException("lora.layers is given but lora.structure is '" + c.structure + "'; set --structure custom to use the layer list");
        return switch (c.structure) {
            case UPPER_HEAVY -> Placement.upperHeavy();
            case ALL_FLAT -> Placement.allFlat();
            case CUSTOM -> custom(c.layers);
            case HEAD_ONLY -> throw new IllegalStateException("head-only has no placement");
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
            rules.add(new Placement.Rule(rule.substring(0, eq).strip(), kinds)); // timm names: the LoRAs sit on the backbone
        }
        return new Placement("custom", rules);
    }

    private static Map<String, Integer> domainRanks(Settings.Lora c, List<String> names) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (String entry : c.domainRanks) {
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
        for (String domain : ranks.keySet())
            if (!names.contains(domain))
                throw new ConfigException("lora.domain_ranks: unknown domain '" + domain + "'"
                        + Suggest.nearest(domain, names, " (did you mean '%s'?)") + " (this run's domains: " + String.join(", ", names) + ")");
        return ranks;
    }

    private static boolean unfreezes(Settings.Lora c, String part) {
        for (String p : c.unfreeze)
            if (!List.of("norms", "patch_embed", "pos_embed").contains(p))
                throw new ConfigException("lora.unfreeze: unknown part '" + p + "' (norms, patch_embed, pos_embed)");
        return c.unfreeze.contains(part);
    }
}
