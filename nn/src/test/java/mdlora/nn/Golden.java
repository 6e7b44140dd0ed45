package mdlora.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsFile;

/** The files recorded by src/test/python/make_vit_golden.py with PyTorch. */
public final class Golden {
    private Golden() {}

    public static Path path(String name) {
        try {
            var url = Golden.class.getResource("/mdlora/nn/golden/" + name);
            if (url == null) throw new IllegalStateException("golden file " + name + " is missing; run make_vit_golden.py");
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every tensor of a golden safetensors file. */
    public static Map<String, Tensor> read(String name) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var f = SafetensorsFile.open(path(name))) {
            for (String n : f.names()) out.put(n, f.tensor(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The float labels of a golden file as class indices. */
    public static int[] labels(Tensor t) {
        float[] f = t.toArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) out[i] = (int) f[i];
        return out;
    }
}
