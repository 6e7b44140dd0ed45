package mdlora.video;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.jcodec.containers.mp4.boxes.Box;
import org.jcodec.containers.mp4.boxes.CompositionOffsetsBox;
import org.jcodec.containers.mp4.boxes.Edit;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.SyncSamplesBox;
import org.jcodec.containers.mp4.boxes.TimeToSampleBox;
import org.jcodec.containers.mp4.boxes.TrakBox;

/**
 * The frames of an MP4 video track in both orders: decode order (the order of samples in the file)
 * and presentation order (by composition time, the order ffmpeg numbers frames in). With B-frames
 * the two differ. Samples that the track's edit list leaves out (a file cut with
 * {@code ffmpeg -ss ... -c copy} keeps the frames before the cut that later ones refer to) are
 * decoded when needed but not shown, as in ffmpeg. Also knows the sync samples (key frames), where
 * decoding may start.
 */
final class SampleTable {
    private final int[] presentationToDecode;
    private final int sampleCount;
    private final int[] syncSamples;
    private final double seconds;

    /**
     * @param compositionTimes composition (presentation) time of each sample, in decode order
     * @param durations        duration of each sample, in the same time unit
     * @param timescale        time units per second
     * @param shown            whether each sample is presented
     * @param syncSamples      0-based decode indices of the key frames, ascending; null when every sample is one
     */
    SampleTable(long[] compositionTimes, long[] durations, int timescale, boolean[] shown, int[] syncSamples) {
        int n = compositionTimes.length;
        presentationToDecode = IntStream.range(0, n).filter(i -> shown[i]).boxed()
                .sorted(Comparator.<Integer>comparingLong(i -> compositionTimes[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        sampleCount = n;
        this.syncSamples = syncSamples == null ? IntStream.range(0, n).toArray() : syncSamples.clone();
        this.seconds = (double) IntStream.of(presentationToDecode).mapToLong(i -> durations[i]).sum() / timescale;
    }

    /** Reads the time-to-sample, composition-offset and sync-sample boxes and the edit list of an MP4 track. */
    static SampleTable of(TrakBox trak, int movieTimescale) {
        TimeToSampleBox stts = NodeBox.findFirstPath(trak, TimeToSampleBox.class, Box.path("mdia.minf.stbl.stts"));
        CompositionOffsetsBox ctts = NodeBox.findFirstPath(trak, CompositionOffsetsBox.class, Box.path("mdia.minf.stbl.ctts"));
        SyncSamplesBox stss = NodeBox.findFirstPath(trak, SyncSamplesBox.class, Box.path("mdia.minf.stbl.stss"));
        int n = 0;
        for (TimeToSampleBox.TimeToSampleEntry e : stts.getEntries()) n += e.getSampleCount();
        long[] times = new long[n], durations = new long[n];
        long t = 0;
        int i = 0;
        for (TimeToSampleBox.TimeToSampleEntry e : stts.getEntries())
            for (int k = 0; k < e.getSampleCount(); k++, i++) {
                times[i] = t;
                durations[i] = e.getSampleDuration();
                t += e.getSampleDuration();
            }
        if (ctts != null) {
            i = 0;
            for (CompositionOffsetsBox.Entry e : ctts.getEntries())
                for (int k = 0; k < e.getCount() && i < n; k++, i++) times[i] += e.getOffset();
        }
        int[] sync = stss == null ? null : Arrays.stream(stss.getSyncSamples()).map(s -> s - 1).filter(s -> s >= 0 && s < times.length).sorted().toArray();
        return new SampleTable(times, durations, trak.getTimescale(), shown(times, trak.getEdits(), trak.getTimescale(), movieTimescale), sync);
    }

    /** Which samples the edit list presents: those whose composition time falls in a media edit (all when there is none). */
    private static boolean[] shown(long[] times, List<Edit> edits, int mediaTimescale, int movieTimescale) {
        boolean[] shown = new boolean[times.length];
        boolean anyMediaEdit = false;
        for (Edit e : edits == null ? List.<Edit>of() : edits) {
            if (e.getMediaTime() < 0) continue; // an empty edit only delays the start
            anyMediaEdit = true;
            long start = e.getMediaTime();
            long end = e.getDuration() == 0 ? Long.MAX_VALUE : start + e.getDuration() * mediaTimescale / movieTimescale;
            for (int i = 0; i < times.length; i++) shown[i] |= times[i] >= start && times[i] < end;
        }
        if (!anyMediaEdit) Arrays.fill(shown, true);
        return shown;
    }

    /** Number of samples (frames in the file, shown or not). */
    int sampleCount() {
        return sampleCount;
    }

    /** Number of frames presented. */
    int frameCount() {
        return presentationToDecode.length;
    }

    /** Frames presented per second (0 for a track without duration). */
    double fps() {
        return seconds > 0 ? frameCount() / seconds : 0;
    }

    /** Decode index (position in the file) of the frame shown {@code presentationIndex}-th. */
    int decodeIndex(int presentationIndex) {
        return presentationToDecode[presentationIndex];
    }

    /** The last key frame at or before {@code decodeIndex}, or -1 when there is none. */
    int syncSampleAtOrBefore(int decodeIndex) {
        int k = Arrays.binarySearch(syncSamples, decodeIndex);
        if (k >= 0) return syncSamples[k];
        int before = -k - 2;
        return before >= 0 ? syncSamples[before] : -1;
    }
}
