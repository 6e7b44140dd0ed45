package mdlora.launcher.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mdlora.launcher.run.Progress;
import mdlora.video.ClipRecord;
import mdlora.video.ClipSource;
import mdlora.video.Dataset;

/**
 * The decode phase of a run with a frame cache: every frame of every training and test clip decoded and
 * resized once up front, on the loader's worker count, so that training and evaluation then only read
 * the cache. The cache holds nothing a seed chooses ({@link ClipSource}), so whichever run fills it,
 * every run reads the same frames.
 */
public final class CacheWarmer {
    private CacheWarmer() {}

    /** Fills the cache behind {@code source} for every clip of {@code data}; a clip that cannot be read is reported and left to the loader to skip. */
    public static void warm(DomainData data, ClipSource source, int workers) {
        List<Runnable> tasks = new ArrayList<>();
        addAll(tasks, data.train(), source);
        addAll(tasks, data.test(), source);
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

    private static void addAll(List<Runnable> tasks, List<Dataset> datasets, ClipSource source) {
        for (Dataset dataset : datasets)
            for (ClipRecord clip : dataset.clips())
                tasks.add(() -> {
                    try {
                        source.fill(clip.path());
                    } catch (IOException e) {
                        System.err.println("skipped " + clip.path() + ": " + e.getMessage());
                    }
                });
    }
}
