package mdlora.launcher.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mdlora.launcher.run.Progress;
import mdlora.tensor.Rng;
import mdlora.video.ClipRecord;
import mdlora.video.ClipSource;
import mdlora.video.Dataset;

/**
 * The decode phase of a run with a frame cache: every training and test clip decoded, sampled and
 * resized once up front, on the loader's worker count, so that training and evaluation then only read
 * the cache. A clip's training frames are drawn from a stream seeded by the run's seed and the clip's
 * place, so the cache holds the same frames whoever fills it.
 */
public final class CacheWarmer {
    private CacheWarmer() {}

    /** Fills the cache behind {@code source} for every clip of {@code data}; a clip that cannot be read is reported and left to the loader to skip. */
    public static void warm(DomainData data, ClipSource source, int workers, long seed) {
        List<Runnable> tasks = new ArrayList<>();
        addAll(tasks, data.train(), source, seed, true);
        addAll(tasks, data.test(), source, seed, false);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "mdlora-decode");
            t.setDaemon(true);
            return t;
        });
        try (var progress = Progress.start("decode", tasks.size(), "clips")) {
            List<Future<?>> pending = new ArrayList<>();
            for (Runnable task : tasks) pending.add(pool.submit(task));
            for (Future<?> f : pending) {
                f.get();
                progress.advance(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding clips", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("decoding failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void addAll(List<Runnable> tasks, List<Dataset> datasets, ClipSource source, long seed, boolean train) {
        for (int d = 0; d < datasets.size(); d++) {
            List<ClipRecord> clips = datasets.get(d).clips();
            for (int i = 0; i < clips.size(); i++) {
                ClipRecord clip = clips.get(i);
                long clipSeed = seed * 0x9E3779B97F4A7C15L + ((long) d << 32) + i;
                tasks.add(() -> {
                    try {
                        if (train) source.train(clip.path(), new Rng(clipSeed));
                        else source.eval(clip.path());
                    } catch (IOException e) {
                        System.err.println("skipped " + clip.path() + ": " + e.getMessage());
                    }
                });
            }
        }
    }
}
