package mdlora.nn;

import java.util.List;

/** Modules held in order under the names "0", "1", ... (PyTorch's {@code nn.ModuleList}). */
public class ModuleList extends Module {
    private final int size;

    /**
     * Registers {@code modules} in order as "0", "1", ...
     * @param modules the modules, in order
     */
    public ModuleList(List<? extends Module> modules) {
        for (int i = 0; i < modules.size(); i++) registerModule(Integer.toString(i), modules.get(i));
        this.size = modules.size();
    }

    /**
     * Number of modules.
     * @return the number of modules
     */
    public int size() {
        return size;
    }

    /**
     * Module {@code i}, read live so that a replacement through {@link #replaceModule} is seen.
     * @param i index, from 0
     * @return module {@code i}
     */
    public Module get(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("index " + i + " in a list of " + size + " modules");
        return child(Integer.toString(i));
    }

    /**
     * Module {@code i} as a {@link Layer}, read live like {@link #get}.
     * @param i index, from 0
     * @return module {@code i} as a layer
     */
    public Layer layer(int i) {
        get(i);
        return layer(Integer.toString(i));
    }
}
