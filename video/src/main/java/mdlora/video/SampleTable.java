package mdlora.video;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.jcodec.containers.mp4.boxes.Box;
import org.jcodec.containers.mp4.boxes.CompositionOffsetsBox;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.SyncSamplesBox;
import org.jcodec.containers.mp4.boxes.TimeToSampleBox;
import org.jcodec.containers.mp4.boxes.TrakBox;

/**
 * The frames of an MP4 video track in both orders: decode order (the order of samples in the file)
 * and presentation order (by composition time, the order ffmpeg numbers frames in). With B-frames
 * the two differ. Also knows the sync samples (key frames), where decoding may start.
 */
final class SampleTable {
    private final int[] presentationToDecode;
    private final int[] decodeToPresentation;
    private final int[] syncSamples;

    /**
     * @param compositionTimes composition (presentation) time of each sample, in decode order
     * @param syncSamples      0-based decode indices of the key frames, ascending; null when every sample is one
     */
    SampleTable(long[] compositionTimes, int[] syncSamples) {
        int n = compositionTimes.length;
        presentationToDecode = IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingLong(i -> compositionTimes[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        decodeToPresentation = new int[n];
        for (int p = 0; p < n; p++) decodeToPresentation[presentationToDecode[p]] = p;
        this.syncSamples = syncSamples == null ? IntStream.range(0, n).toArray() : syncSamples.clone();
    }

    /** Reads the time-to-sample, composition-offset and sync-sample boxes of an MP4 track. */
    static SampleTable of(TrakBox trak) {
        TimeToSampleBox stts = NodeBox.findFirstPath(trak, TimeToSampleBox.class, Box.path("mdia.minf.stbl.stts"));
        CompositionOffsetsBox ctts = NodeBox.findFirstPath(trak, CompositionOffsetsBox.class, Box.path("mdia.minf.stbl.ctts"));
        SyncSamplesBox stss = NodeBox.findFirstPath(trak, SyncSamplesBox.class, Box.path("mdia.minf.stbl.stss"));
        int n = 0;
        for (TimeToSampleBox.TimeToSampleEntry e : stts.getEntries()) n += e.getSampleCount();
        long[] times = new long[n];
        long t = 0;
        int i = 0;
        for (TimeToSampleBox.TimeToSampleEntry e : stts.getEntries())
            for (int k = 0; k < e.getSampleCount(); k++, i++) {
                times[i] = t;
                t += e.getSampleDuration();
            }
        if (ctts != null) {
            i = 0;
            for (CompositionOffsetsBox.Entry e : ctts.getEntries())
                for (int k = 0; k < e.getCount() && i < n; k++, i++) times[i] += e.getOffset();
        }
        int[] sync = stss == null ? null : Arrays.stream(stss.getSyncSamples()).map(s -> s - 1).filter(s -> s >= 0 && s < times.length).sorted().toArray();
        return new SampleTable(times, sync);
    }

    int frameCount() {
        return presentationToDecode.length;
    }

    /** Decode index (position in the file) of the frame shown {@code presentationIndex}-th. */
    int decodeIndex(int presentationIndex) {
        return presentationToDecode[presentationIndex];
    }

    /** Presentation index of the {@code decodeIndex}-th sample in the file. */
    int presentationIndex(int decodeIndex) {
        return decodeToPresentation[decodeIndex];
    }

    /** The last key frame at or before {@code decodeIndex}, or -1 when there is none. */
    int syncSampleAtOrBefore(int decodeIndex) {
        int k = Arrays.binarySearch(syncSamples, decodeIndex);
        if (k >= 0) return syncSamples[k];
        int before = -k - 2;
        return before >= 0 ? syncSamples[before] : -1;
    }
}
