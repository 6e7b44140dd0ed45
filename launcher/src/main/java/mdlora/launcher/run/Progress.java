package mdlora.launcher.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of one phase (decode/cache, train, eval) on standard error: on a terminal a bar redrawn in
 * place with the rate and the time left; otherwise (a log file, CI) a plain line every
 * {@value #PLAIN_INTERVAL_S} seconds, so logs stay readable.
 */
public final class Progress implements AutoCloseable {
    static final int PLAIN_INTERVAL_S = 15;
    private static final long REDRAW_NS = 100_000_000L;
    private static final int BAR = 28;

    private final String phase, unit;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long startNs;
    private final long startDone;
    private long done, lastDrawNs;
    private String status = "";
    private boolean closed;

    Progress(String phase, long total, String unit, long alreadyDone, PrintStream out, boolean terminal, LongSupplier clock) {
        this.phase = phase;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.startNs = clock.getAsLong();
        this.startDone = alreadyDone;
        this.done = alreadyDone;
        this.lastDrawNs = startNs;
    }

    /** Starts a phase of {@code total} items (named by {@code unit}, plural), of which {@code alreadyDone} are done (a resumed run). */
    public static Progress start(String phase, long total, String unit, long alreadyDone) {
        return new Progress(phase, total, unit, alreadyDone, System.err, isTerminal(), System::nanoTime);
    }

    public static Progress start(String phase, long total, String unit) {
        return start(phase, total, unit, 0);
    }

    /** Whether standard error is an interactive terminal (and not CI, whose log viewers mangle {@code \r}). */
    static boolean isTerminal() {
        var console = System.console();
        return console != null && console.isTerminal() && System.getenv("CI") == null;
    }

    /** Records that {@code n} more items are done, with a short status (e.g. the current loss). */
    public void advance(long n, String status) {
        done = Math.min(total, done + n);
        this.status = status;
        long now = clock.getAsLong();
        long interval = terminal ? REDRAW_NS : PLAIN_INTERVAL_S * 1_000_000_000L;
        if (now - lastDrawNs >= interval) {
            lastDrawNs = now;
            draw(now, false);
        }
    }

    public void advance(long n) {
        advance(n, status);
    }

    /** Ends the phase with a summary line. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        draw(clock.getAsLong(), true);
    }

    private void draw(long now, boolean last) {
        double seconds = (now - startNs) / 1e9;
        double rate = seconds > 0 ? (done - startDone) / seconds : 0;
        String counts = done + "/" + total + " " + unit;
        String speed = rate >= 1 || rate == 0 ? String.format(Locale.ROOT, "%.1f %s/s", rate, unit) : String.format(Locale.ROOT, "%.1f s/%s", 1 / rate, singular());
        String time = last ? "in " + clockTime(seconds) : "ETA " + (rate > 0 ? clockTime((total - done) / rate) : "?");
        String tail = status.isEmpty() ? "" : "  " + status;
        if (terminal) {
            int filled = total > 0 ? (int) (BAR * done / total) : BAR;
            String bar = "=".repeat(filled) + (filled < BAR ? ">" + " ".repeat(BAR - filled - 1) : "");
            out.print(String.format(Locale.ROOT, "\r\033[K%-6s [%s] %s  %s  %s%s", phase, bar, counts, speed, time, tail));
            if (last) out.println();
        } else {
            int percent = total > 0 ? (int) (100 * done / total) : 100;
            out.println(String.format(Locale.ROOT, "%s: %s (%d%%), %s, %s%s", phase, counts, percent, speed, time, tail));
        }
        out.flush();
    }

    private String singular() {
        return unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
    }

    /** A duration as a clock reads: 75.4 -> "1:15", 3725 -> "1:02:05". */
    public static String clockTime(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
