package mdlora.nn;

import java.util.regex.Pattern;

/** Globs over dotted module and parameter paths: {@code *} any run of characters, {@code ?} one character. */
public final class Glob {
    private Glob() {}

    /**
     * The pattern that matches a whole path against {@code glob}; every other character stands for itself.
     * @param glob pattern with {@code *} and {@code ?}
     * @return the compiled pattern
     */
    public static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
