package mdlora.tensor.io;

/** Malformed JSON text; the message says where (line, column) and what was expected there. */
public final class JsonException extends IllegalArgumentException {
    /** Where in the text the defect was found. */
    private final int offset;

    JsonException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /**
     * Character index into the parsed text where the defect was found.
     *
     * @return the offset in characters, from 0
     */
    public int offset() {
        return offset;
    }
}
