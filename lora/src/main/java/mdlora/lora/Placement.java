package mdlora.lora;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mdlora.nn.Glob;
import mdlora.nn.Linear;
import mdlora.nn.Module;

/**
 * Which linear layers get LoRAs, and of which kinds: an ordered list of rules, the first rule whose
 * pattern matches a layer's dotted path deciding its kinds. Patterns are globs ({@code *} any run of
 * characters, {@code ?} one character) in which {@code {last}} stands for the index of the model's last
 * transformer block (the highest N of a {@code blocks.N} module).
 *
 * @param name the placement's name, for messages and logs
 * @param rules the rules, first match wins; at least one
 */
public record Placement(String name, List<Rule> rules) {
    private static final Pattern BLOCK_INDEX = Pattern.compile("(?:.*\\.)?blocks\\.(\\d+)");
    private static final String[] TIMM_LINEARS = {"attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2"};

    /**
     * A glob over dotted module paths and the kinds of LoRA a matching layer gets (empty: none).
     *
     * @param pattern glob over dotted module paths ({@code {last}}: last block index)
     * @param kinds the LoRA kinds of a matching layer (empty: none)
     */
    public record Rule(String pattern, Set<LoraKind> kinds) {
        /** Checks the pattern; the kinds are copied. */
        public Rule {
            if (pattern == null || pattern.isBlank()) throw new IllegalArgumentException("a placement rule needs a pattern");
            kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        }

        /**
         * The rule giving layers that match {@code pattern} the {@code kinds} of LoRA (none: no LoRA).
         *
         * @param pattern glob over dotted module paths
         * @param kinds the LoRA kinds (none: no LoRA)
         * @return the rule
         */
        public static Rule of(String pattern, LoraKind... kinds) {
            return new Rule(pattern, kinds.length == 0 ? Set.of() : EnumSet.of(kinds[0], kinds));
        }
    }

    /** Checks that there is at least one rule; the list is copied. */
    public Placement {
        rules = List.copyOf(rules);
        if (rules.isEmpty()) throw new IllegalArgumentException("placement '" + name + "' has no rules");
    }

    /**
     * Explicit rules, first match wins.
     *
     * @param name the placement's name
     * @param rules the rules, first match wins
     * @return the placement
     */
    public static Placement of(String name, Rule... rules) {
        return new Placement(name, List.of(rules));
    }

    /**
     * Takama et al. Fig. 3a (after MTLoRA): shared and domain LoRAs on attn.proj, mlp.fc1 and mlp.fc2 of the last
     * block, a shared LoRA only on every other qkv, proj, fc1 and fc2.
     *
     * @return the placement {@code upper-heavy}
     */
    public static Placement upperHeavy() {
        List<Rule> rules = new ArrayList<>();
        for (String l : new String[] {"attn.proj", "mlp.fc1", "mlp.fc2"})
            rules.add(Rule.of("*blocks.{last}." + l, LoraKind.SHARED, LoraKind.DOMAIN));
        rules.addAll(everyBlock(LoraKind.SHARED));
        return new Placement("upper-heavy", rules);
    }

    /**
     * Takama et al. Fig. 3b: shared and domain LoRAs on every qkv, proj, fc1 and fc2.
     *
     * @return the placement {@code all-flat}
     */
    public static Placement allFlat() {
        return new Placement("all-flat", everyBlock(LoraKind.SHARED, LoraKind.DOMAIN));
    }

    /**
     * A shared LoRA only on every qkv, proj, fc1 and fc2: plain single-adapter LoRA.
     *
     * @return the placement {@code shared-only}
     */
    public static Placement sharedOnly() {
        return new Placement("shared-only", everyBlock(LoraKind.SHARED));
    }

    private static List<Rule> everyBlock(LoraKind... kinds) {
        List<Rule> rules = new ArrayList<>();
        for (String l : TIMM_LINEARS) rules.add(Rule.of("*blocks.*." + l, kinds));
        return rules;
    }

    /**
     * The linear layers of {@code model} this placement adapts, by dotted path in model order, with their kinds.
     * Fails when nothing matches (a placement that adapts nothing is a mistake, not a choice).
     *
     * @param model the model to adapt
     * @return Linear path to its LoRA kinds, in model order
     */
    public Map<String, Set<LoraKind>> resolve(Module model) {
        Map<String, Module> modules = model.namedModules();
        List<Pattern> patterns = new ArrayList<>();
        for (Rule r : rules) patterns.add(glob(r.pattern(), modules));
        Map<String, Set<LoraKind>> out = new LinkedHashMap<>();
        for (var e : modules.entrySet()) {
            if (!(e.getValue() instanceof Linear)) continue;
            for (int i = 0; i < rules.size(); i++) {
                if (!patterns.get(i).matcher(e.getKey()).matches()) continue;
                if (!rules.get(i).kinds().isEmpty()) out.put(e.getKey(), rules.get(i).kinds());
                break;
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("placement '" + name + "' matches no linear layer of the model");
        return out;
    }

    private static Pattern glob(String glob, Map<String, Module> modules) {
        return Glob.compile(glob.contains("{last}") ? glob.replace("{last}", Integer.toString(lastBlock(modules, glob))) : glob);
    }

    private static int lastBlock(Map<String, Module> modules, String glob) {
        int last = -1;
        for (String path : modules.keySet()) {
            Matcher m = BLOCK_INDEX.matcher(path);
            if (m.matches()) last = Math.max(last, Integer.parseInt(m.group(1)));
        }
        if (last < 0) throw new IllegalArgumentException("placement pattern '" + glob + "' uses {last} but the model has no blocks.N modules");
        return last;
    }
}
