package mdlora.video;

import static mdlora.video.SyntheticScene.Motion.*;
import static mdlora.video.SyntheticScene.Shape.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import mdlora.tensor.Parallel;
import mdlora.tensor.Rng;
import mdlora.video.SyntheticScene.Motion;
import mdlora.video.SyntheticScene.Shape;
import mdlora.video.SyntheticScene.Style;

/**
 * Writes a small multi-domain video dataset of MP4 clips (jcodec's encoder), which the demo and the
 * tests train on. Three domains differ in look (background pattern, palette, how shapes are painted;
 * see {@link SyntheticScene}) and have their own label sets of different sizes: in each, a class is a
 * shape with a motion, the shapes of a domain's classes all differ, so a single frame tells the
 * class, and a frame-averaging model can learn it. Domains reuse shapes and motions under other
 * names and pairings, so a head trained on one domain is no use on another.
 *
 * <p>Layout under the output folder: {@code DOMAIN/CLASS/SPLIT_NNN.mp4}; per domain and split a
 * {@link ClipList} file {@code DOMAIN_SPLIT.txt}; and {@code manifest.txt} naming the domains,
 * their list files and class names ({@link #load} reads it). The frames, labels and lists depend
 * on the seed only; the MP4 files also carry their creation time.
 */
public final class SyntheticVideos {
    private static final String MANIFEST = "manifest.txt";
    private static final List<Domain> DOMAINS = List.of(
            new Domain("studio", Style.STUDIO, List.of(
                    new ClassSpec("juggle", CIRCLE, ORBIT), new ClassSpec("lift", SQUARE, UP), new ClassSpec("slide", TRIANGLE, RIGHT),
                    new ClassSpec("drop", DIAMOND, DOWN), new ClassSpec("spin", CROSS, SPIN))),
            new Domain("street", Style.STREET, List.of(
                    new ClassSpec("walk", SQUARE, RIGHT), new ClassSpec("jump", CIRCLE, BOUNCE), new ClassSpec("fall", TRIANGLE, DOWN),
                    new ClassSpec("wave", BAR, SWAY))),
            new Domain("forest", Style.FOREST, List.of(
                    new ClassSpec("climb", TRIANGLE, UP), new ClassSpec("swim", RING, LEFT), new ClassSpec("run", DIAMOND, RIGHT),
                    new ClassSpec("dive", CIRCLE, DOWN), new ClassSpec("dance", CROSS, ORBIT), new ClassSpec("grow", SQUARE, GROW))));

    private record ClassSpec(String name, Shape shape, Motion motion) {}

    private record Domain(String name, Style style, List<ClassSpec> classes) {}

    private record Job(Path file, SyntheticScene scene) {}

    /**
     * What to generate.
     *
     * @param seed          fixes every random draw
     * @param width         frame width, even
     * @param height        frame height, even
     * @param frames        frames per clip
     * @param trainPerClass training clips per class
     * @param testPerClass  test clips per class
     */
    public record Config(long seed, int width, int height, int frames, int trainPerClass, int testPerClass) {
        public Config {
            if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0)
                throw new IllegalArgumentException("frame size must be even and at least 16x16, got " + width + "x" + height);
            if (frames < 1 || trainPerClass < 1 || testPerClass < 1)
                throw new IllegalArgumentException("frames and clips per class must be positive, got " + frames + ", " + trainPerClass + ", " + testPerClass);
        }

        /** The demo's dataset: 96x96, 12 frames, 16 training and 8 test clips per class (360 clips). */
        public static Config demo(long seed) {
            return new Config(seed, 96, 96, 12, 16, 8);
        }
    }

    private SyntheticVideos() {}

    /** Names of the generated domains, in the order {@link #load} returns them. */
    public static List<String> domainNames() {
        return DOMAINS.stream().map(Domain::name).toList();
    }

    /** Generates the dataset under {@code dir} (created if needed) and returns its training split, one {@link Dataset} per domain. */
    public static List<Dataset> generate(Path dir, Config config) throws IOException {
        Files.createDirectories(dir);
        Rng rng = new Rng(config.seed());
        List<Job> jobs = new ArrayList<>();
        StringBuilder manifest = new StringBuilder("# mdlora synthetic video dataset (mdlora.video.SyntheticVideos)\n"
                + "# domain NAME TRAIN_LIST TEST_LIST CLASS...   (lists hold 'relative/path label')\n");
        manifest.append("seed ").append(config.seed()).append('\n')
                .append("size ").append(config.width()).append(' ').append(config.height()).append('\n')
                .append("frames ").append(config.frames()).append('\n');
        for (Domain domain : DOMAINS) {
            for (String split : List.of("train", "test")) {
                int perClass = split.equals("train") ? config.trainPerClass() : config.testPerClass();
                StringBuilder list = new StringBuilder();
                for (int label = 0; label < domain.classes().size(); label++) {
                    ClassSpec c = domain.classes().get(label);
                    for (int i = 0; i < perClass; i++) {
                        String relative = domain.name() + "/" + c.name() + "/" + split + String.format("_%03d.mp4", i);
                        jobs.add(new Job(dir.resolve(relative), new SyntheticScene(c.shape(), c.motion(), domain.style(), rng.fork())));
                        list.append(relative).append(' ').append(label).append('\n');
                    }
                }
                Files.writeString(dir.resolve(domain.name() + "_" + split + ".txt"), list);
            }
            manifest.append("domain ").append(domain.name()).append(' ').append(domain.name()).append("_train.txt ")
                    .append(domain.name()).append("_test.txt ")
                    .append(String.join(" ", domain.classes().stream().map(ClassSpec::name).toList())).append('\n');
        }
        try {
            Parallel.forEach(jobs.size(), i -> write(jobs.get(i), config));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.writeString(dir.resolve(MANIFEST), manifest);
        return load(dir, "train");
    }

    private static void write(Job job, Config config) {
        List<RgbImage> frames = IntStream.range(0, config.frames())
                .mapToObj(t -> job.scene().render(t, config.frames(), config.width(), config.height())).toList();
        try {
            Files.createDirectories(job.file().getParent());
            Mp4Writer.write(job.file(), frames, 25);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the dataset generated under {@code dir}: one {@link Dataset} per domain for {@code split}
     * ("train" or "test"), named after the domain, with its class names.
     *
     * @throws IOException when the manifest or a list is missing or malformed, naming it
     */
    public static List<Dataset> load(Path dir, String split) throws IOException {
        if (!split.equals("train") && !split.equals("test"))
            throw new IllegalArgumentException("split must be 'train' or 'test', got '" + split + "'");
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest))
            throw new IOException(manifest + ": no synthetic dataset manifest here (generate one first)");
        List<Dataset> out = new ArrayList<>();
        for (String line : Files.readAllLines(manifest)) {
            String[] f = line.strip().split("\\s+");
            if (!f[0].equals("domain")) continue;
            if (f.length < 5) throw new IOException(manifest + ": malformed line '" + line + "'");
            List<String> classes = Arrays.asList(f).subList(4, f.length);
            out.add(ClipList.load(dir.resolve(split.equals("train") ? f[2] : f[3]), dir, f[1], classes));
        }
        if (out.isEmpty()) throw new IOException(manifest + ": lists no domains");
        return out;
    }
}
