package mdlora.launcher.config;

import java.util.Collection;

/** "Did you mean ...?" for mistyped option names, config keys and domain names. */
public final class Suggest {
    private Suggest() {}

    /**
     * The candidate nearest to {@code word} by edit distance, formatted into {@code template} (one
     * {@code %s}); the empty string when nothing is close enough to be a plausible typo.
     */
    public static String nearest(String word, Collection<String> candidates, String template) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        boolean plausible = best != null && bestDistance <= Math.max(2, word.length() / 3);
        return plausible ? String.format(template, best) : "";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1], current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
