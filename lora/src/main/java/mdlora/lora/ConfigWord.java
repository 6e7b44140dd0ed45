package mdlora.lora;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A choice (an enum) whose constants are each named by one word in config files and on the command line,
 * e.g. {@code kaiming} for {@link MixerInit#KAIMING_UNIFORM}; the enum's {@code toString} returns the same word,
 * so generic converters (picocli's, the launcher's) show and read it.
 */
public interface ConfigWord {
    /**
     * The word that names this choice.
     *
     * @return the word, e.g. {@code kaiming}
     */
    String word();

    /**
     * The constant of {@code type} named {@code word}.
     *
     * @param <E> the enum
     * @param type the enum's class
     * @param word a word as {@link #word()} gives it
     * @return the constant whose word it is
     * @throws IllegalArgumentException when no constant has that word (the message lists those that do)
     */
    static <E extends Enum<E> & ConfigWord> E ofWord(Class<E> type, String word) {
        for (E choice : type.getEnumConstants()) if (choice.word().equals(word)) return choice;
        throw new IllegalArgumentException("'" + word + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(ConfigWord::word).collect(Collectors.joining(", ")));
    }
}
