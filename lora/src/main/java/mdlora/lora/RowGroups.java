package mdlora.lora;

import java.util.ArrayList;
import java.util.List;
import mdlora.autograd.Variable;

/**
 * The rows of a mixed-domain batch grouped by domain, groups in order of first appearance, so each domain's
 * LoRAs run as one product over all of its rows. A batch whose samples come grouped by domain (the usual
 * case) costs a slice per group and one concatenation; only interleaved rows pay a gather and a scatter.
 */
final class RowGroups {
    private final int[] domains;
    private final int[][] rows;
    private final int[] inverse;

    private RowGroups(int[] domains, int[][] rows, int[] inverse) {
        this.domains = domains;
        this.rows = rows;
        this.inverse = inverse;
    }

    /** Groups {@code domainOfRow} (values in [0, domainCount)). */
    static RowGroups of(int[] domainOfRow, int domainCount) {
        List<Integer> order = new ArrayList<>();
        int[] counts = new int[domainCount];
        for (int i = 0; i < domainOfRow.length; i++) {
            int d = domainOfRow[i];
            if (d < 0 || d >= domainCount)
                throw new IllegalArgumentException("row " + i + " is routed to domain " + d + ", but there are " + domainCount + " domains");
            if (counts[d]++ == 0) order.add(d);
        }
        int[] domains = order.stream().mapToInt(Integer::intValue).toArray();
        int[][] rows = new int[domains.length][];
        int[] groupOf = new int[domainCount];
        for (int g = 0; g < domains.length; g++) {
            rows[g] = new int[counts[domains[g]]];
            groupOf[domains[g]] = g;
        }
        int[] filled = new int[domains.length];
        int[] inverse = new int[domainOfRow.length];
        int[] start = new int[domains.length];
        for (int g = 1; g < domains.length; g++) start[g] = start[g - 1] + rows[g - 1].length;
        boolean sorted = true;
        for (int i = 0; i < domainOfRow.length; i++) {
            int g = groupOf[domainOfRow[i]];
            inverse[i] = start[g] + filled[g];
            rows[g][filled[g]++] = i;
            sorted &= inverse[i] == i;
        }
        return new RowGroups(domains, rows, sorted ? null : inverse);
    }

    int count() {
        return domains.length;
    }

    /** The domain of group {@code g}. */
    int domain(int g) {
        return domains[g];
    }

    /** The rows of group {@code g} along axis 0 of {@code x}. */
    Variable gather(Variable x, int g) {
        int[] r = rows[g];
        if (r.length == x.size(0)) return x;
        return r[r.length - 1] - r[0] == r.length - 1 ? x.slice(0, r[0], r[0] + r.length) : x.indexSelect(0, r);
    }

    /** The per-group results put back in the original row order. */
    Variable scatter(Variable[] perGroup) {
        if (perGroup.length == 1) return perGroup[0];
        Variable joined = Variable.concat(0, perGroup);
        return inverse == null ? joined : joined.indexSelect(0, inverse);
    }
}
