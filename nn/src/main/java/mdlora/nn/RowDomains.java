package mdlora.nn;

import java.util.Arrays;

/**
 * The domain of each row (axis 0) of a layer's input, passed with the input to {@link Layer#forward(
 * mdlora.autograd.Variable, RowDomains)} the way PEFT passes {@code adapter_names}: a layer's output depends
 * only on what it was given, never on routing left behind by an earlier call. Immutable.
 */
public final class RowDomains {
    /** No domains given: for models without domain-specific layers. */
    public static final RowDomains NONE = new RowDomains(null);

    private final int[] domainOfRow;

    private RowDomains(int[] domainOfRow) {
        this.domainOfRow = domainOfRow;
    }

    /**
     * {@code domainOfRow[i]} is the domain index of row i (copied).
     * @param domainOfRow domain index of each row, >= 0
     * @return the row domains
     */
    public static RowDomains of(int... domainOfRow) {
        return new RowDomains(domainOfRow.clone());
    }

    /**
     * Whether domains were given (false for {@link #NONE}).
     * @return true unless {@link #NONE}
     */
    public boolean known() {
        return domainOfRow != null;
    }

    /**
     * The number of rows described; fails for {@link #NONE}.
     * @return the number of rows
     */
    public int rows() {
        return array().length;
    }

    /**
     * The domain of row {@code i}; fails for {@link #NONE}.
     * @param i row index
     * @return the domain index of row {@code i}
     */
    public int domain(int i) {
        return array()[i];
    }

    /**
     * A copy of the domains of all rows; fails for {@link #NONE}.
     * @return the domain index of each row
     */
    public int[] toArray() {
        return array().clone();
    }

    private int[] array() {
        if (domainOfRow == null) throw new IllegalStateException("no row domains were given");
        return domainOfRow;
    }

    @Override
    public String toString() {
        return domainOfRow == null ? "RowDomains.NONE" : "RowDomains" + Arrays.toString(domainOfRow);
    }
}
