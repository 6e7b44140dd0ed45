package mdlora.launcher.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.DomainSpec;
import mdlora.video.ClipList;
import mdlora.video.ClipRecord;
import mdlora.video.Dataset;
import mdlora.video.Hmdb51;
import mdlora.video.Kinetics400;
import mdlora.video.SyntheticVideos;
import mdlora.video.Ucf101;

/**
 * The training and test clips of a run's domains, read from each domain's layout:
 * <pre>
 *   ucf101     PATH/UCF-101/CLASS/*.avi (or PATH/CLASS/...; a re-encoded .mp4 beside an .avi wins), lists in
 *              PATH/ucfTrainTestlist, official split 1, 2 or 3
 *   hmdb51     PATH/CLASS/*.avi (or .mp4 beside), lists in PATH/testTrainMulti_7030_splits, split 1, 2 or 3
 *   kinetics   PATH/train.csv and PATH/validate.csv (or PATH/annotations/{train,val}.csv), videos (.mp4, .mkv)
 *              under PATH/train and PATH/val (or PATH)
 *   list       PATH/train.txt and PATH/test.txt ("relative/path label" lines), optional PATH/classes.txt
 *   frames     as list, each entry a folder of extracted frames
 *   synthetic  the dataset {@code mdlora demo} generates under PATH; NAME is one of its domains
 * </pre>
 *
 * Listed clips whose file is gone (YouTube attrition guarantees some for Kinetics) are left out of the
 * datasets and kept in {@link #missing()}; more than the allowed fraction of a list gone is an error.
 *
 * @param domains the domains, in the run's order (their indices route clips to LoRAs and heads)
 * @param train   each domain's training clips that exist
 * @param test    each domain's test clips that exist
 * @param missing the listed clips that do not exist, domain by domain, training list first
 */
public record DomainData(List<DomainSpec> domains, List<Dataset> train, List<Dataset> test, List<Missing> missing) {
    /** A listed clip whose file or folder does not exist: its domain, its list ("train" or "test") and its path. */
    public record Missing(String domain, String split, Path path) {}

    /** The file {@link SyntheticVideos#generate} writes last, so its presence means a complete dataset. */
    private static final String SYNTHETIC_MANIFEST = "manifest.txt";
    /** The synthetic dataset generated on first use: 96x96 px, 12 frames, 32 training and 32 test clips per class (1216 clips). */
    private static final SyntheticVideos.Config SYNTHETIC = new SyntheticVideos.Config(0, 96, 96, 12, 32, 32);

    /**
     * Reads every domain; a missing folder or list is an error naming the domain and the file, and so are
     * missing clips past {@code maxMissing}.
     *
     * @param split      the official split (1, 2 or 3) of the ucf101 and hmdb51 domains; other layouts have one
     * @param maxMissing the largest fraction of a domain's training or test list that may be missing
     */
    public static DomainData load(List<DomainSpec> domains, int split, double maxMissing) {
        if (split < 1 || split > 3) throw new ConfigException("--split must be 1, 2 or 3 (the official UCF101 and HMDB51 splits), got " + split);
        if (domains.isEmpty()) throw new ConfigException("no domains: give at least one --domain NAME=LAYOUT:PATH (or data.domains in --config)");
        List<Dataset> train = new ArrayList<>(), test = new ArrayList<>();
        List<Missing> missing = new ArrayList<>();
        for (DomainSpec d : domains) {
            Path path = Path.of(d.path());
            if (!Files.isDirectory(path) && !d.layout().equals("synthetic"))
                throw new ConfigException("domain '" + d.name() + "': no such folder " + path);
            try {
                Dataset trainClips = present(d, renamed(read(d, path, split, true), d.name()), "train", maxMissing, missing);
                Dataset testClips = present(d, renamed(read(d, path, split, false), d.name()), "test", maxMissing, missing);
                requireUsable(trainClips, testClips);
                train.add(trainClips);
                test.add(testClips);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("domain '" + d.name() + "' (" + d.layout() + " at " + path + "): " + e.getMessage());
            }
        }
        return new DomainData(List.copyOf(domains), List.copyOf(train), List.copyOf(test), List.copyOf(missing));
    }

    /**
     * {@code listed} without its missing clips, which are added to {@code missing}; an error when more
     * than {@code maxMissing} of the list is missing.
     */
    private static Dataset present(DomainSpec d, Dataset listed, String split, double maxMissing, List<Missing> missing) throws IOException {
        List<ClipRecord> gone = listed.missing();
        if (gone.isEmpty()) return listed;
        if (gone.size() > maxMissing * listed.size())
            throw new IOException(String.format(Locale.ROOT, "%d of %d listed %s clips are missing (%.1f%%, more than --max-missing %s; first: %s); "
                    + "restore them, or raise --max-missing to train on the rest", gone.size(), listed.size(), split.equals("train") ? "training" : "test",
                    100.0 * gone.size() / listed.size(), maxMissing, gone.getFirst().path()));
        for (ClipRecord c : gone) missing.add(new Missing(d.name(), split, c.path()));
        return listed.without(gone);
    }

    /** The missing clips of list {@code split} ("train" or "test"). */
    public List<Missing> missing(String split) {
        return missing.stream().filter(m -> m.split().equals(split)).toList();
    }

    /**
     * One line for the log: how many listed clips are missing, per domain and list, and where the full list
     * is ({@code listFile}); empty when none is.
     */
    public String missingNotice(String listFile) {
        if (missing.isEmpty()) return "";
        Map<String, Long> counts = missing.stream().collect(Collectors.groupingBy(m -> m.domain() + " " + m.split(), LinkedHashMap::new, Collectors.counting()));
        long listed = train.stream().mapToLong(Dataset::size).sum() + test.stream().mapToLong(Dataset::size).sum() + missing.size();
        return missing.size() + " of " + listed + " listed clips are missing and left out (" + counts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + "): list in " + listFile;
    }

    /**
     * Clips to train and test on, and test labels the model has heads for: a test label beyond the training
     * classes (a list layout without classes.txt names classes by the largest training label) would otherwise
     * surface only at the final evaluation, after all the training.
     */
    private static void requireUsable(Dataset train, Dataset test) throws IOException {
        if (train.clips().isEmpty()) throw new IOException("no training clips (an empty training list)");
        if (test.clips().isEmpty()) throw new IOException("no test clips (an empty test list)");
        int classes = train.classes().size();
        for (var clip : test.clips())
            if (clip.label() >= classes)
                throw new IOException("test clip " + clip.path() + " has label " + clip.label() + ", but the training classes are 0.." + (classes - 1)
                        + " (list every class in classes.txt)");
    }

    private static Dataset read(DomainSpec d, Path path, int split, boolean train) throws IOException {
        return switch (d.layout()) {
            case "ucf101" -> Ucf101.load(firstDirectory(path.resolve("UCF-101"), path), firstDirectory(path.resolve("ucfTrainTestlist"), path), split, train);
            case "hmdb51" -> Hmdb51.load(path, firstDirectory(path.resolve("testTrainMulti_7030_splits"), path), split, train);
            case "kinetics" -> Kinetics400.load(kineticsCsv(path, train), firstDirectory(path.resolve(train ? "train" : "val"), path));
            case "list", "frames" -> ClipList.load(path.resolve(train ? "train.txt" : "test.txt"), path, d.name(), classNames(path));
            case "synthetic" -> synthetic(d, path, train);
            default -> throw new IllegalStateException("layout " + d.layout());
        };
    }

    /**
     * Generates the demo's synthetic dataset under {@code path} the first time it is asked for; later runs reuse
     * it, unless an older version of the generator made it: then it is generated afresh (a dataset generated with another
     * {@link SyntheticVideos.Config}, as the tests do, is used as it is).
     */
    private static Dataset synthetic(DomainSpec d, Path path, boolean train) throws IOException {
        if (!SyntheticVideos.isCurrent(path)) generate(path);
        for (Dataset ds : SyntheticVideos.load(path, train ? "train" : "test")) if (ds.name().equals(d.name())) return ds;
        throw new IOException("the synthetic dataset has no domain '" + d.name() + "' (its domains: " + String.join(", ", SyntheticVideos.domainNames()) + ")");
    }

    private static synchronized void generate(Path path) throws IOException {
        if (SyntheticVideos.isCurrent(path)) return;
        long start = System.nanoTime();
        boolean stale = Files.deleteIfExists(path.resolve(SYNTHETIC_MANIFEST)); // so an interrupted run leaves no complete-looking mix
        System.err.println((stale ? "the synthetic clips in " + path + " are from an older version; generating them afresh"
                : "generating the synthetic clips into " + path) + " (once; later runs reuse them)...");
        SyntheticVideos.generate(path, SYNTHETIC);
        System.err.printf(Locale.ROOT, "generated in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static Path kineticsCsv(Path path, boolean train) throws IOException {
        List<Path> candidates = train ? List.of(path.resolve("train.csv"), path.resolve("annotations/train.csv"))
                : List.of(path.resolve("validate.csv"), path.resolve("val.csv"), path.resolve("annotations/val.csv"), path.resolve("annotations/validate.csv"));
        for (Path c : candidates) if (Files.isRegularFile(c)) return c;
        throw new IOException("no " + (train ? "training" : "validation") + " CSV (looked for " + candidates + ")");
    }

    private static List<String> classNames(Path path) throws IOException {
        Path file = path.resolve("classes.txt");
        return Files.isRegularFile(file) ? Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList() : null;
    }

    private static Path firstDirectory(Path preferred, Path fallback) {
        return Files.isDirectory(preferred) ? preferred : fallback;
    }

    /** The dataset under the run's name for the domain (the layouts name it after the dataset). */
    private static Dataset renamed(Dataset ds, String name) {
        return new Dataset(name, ds.classes(), ds.clips());
    }

    /** The domain names, in order. */
    public List<String> names() {
        return domains.stream().map(DomainSpec::name).toList();
    }

    /** The class names of the domain at {@code index}. */
    public List<String> classes(int index) {
        return train.get(index).classes();
    }

    /** The index of the domain called {@code name}; an error listing the run's domains when there is none. */
    public int indexOf(String name) {
        int i = names().indexOf(name);
        if (i < 0) throw new ConfigException("unknown domain '" + name + "' (this run's domains: " + String.join(", ", names()) + ")");
        return i;
    }
}
