package mdlora.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import mdlora.autograd.Variable;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * A node of the model tree, as PyTorch's {@code nn.Module}: named parameters, buffers and child
 * modules, addressed by dotted paths ({@code blocks.0.attn.qkv.weight}); a state dict; train/eval
 * mode; freezing by name pattern. Subclasses register what they own in their constructor and define
 * their own {@code forward}.
 */
public abstract class Module {
    private final Map<String, Variable> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** An empty module in training mode; the subclass's constructor registers what it owns. */
    protected Module() {}

    /**
     * Registers a trainable parameter initialised to {@code value} (not copied).
     * @param name local name, e.g. {@code weight}
     * @param value initial tensor, held as is
     * @return the registered parameter
     */
    protected Variable registerParameter(String name, Tensor value) {
        checkName(name);
        Variable p = Variable.parameter(value);
        parameters.put(name, p);
        return p;
    }

    /**
     * Registers a buffer: state saved in the state dict that is not trained.
     * @param name local name, e.g. {@code running_mean}
     * @param value the buffer's tensor, held as is
     * @return {@code value}
     */
    protected Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /**
     * Registers a child module under {@code name} and returns it.
     * @param <M> the child's type
     * @param name local name (timm's, e.g. {@code attn})
     * @param module the child
     * @return {@code module}
     */
    protected <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("module member name '" + name + "' must be non-empty and contain no '.'");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException("'" + name + "' is already registered in " + getClass().getSimpleName());
    }

    /**
     * The direct child called {@code name}.
     * @param name local name of the child
     * @return the child
     * @throws IllegalArgumentException if there is no such child
     */
    public Module child(String name) {
        Module m = children.get(name);
        if (m == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no child '" + name + "' (children: " + children.keySet() + ")");
        return m;
    }

    /**
     * The direct child {@code name} as a {@link Layer}. Owners call this when they run rather than keeping the
     * child in a field, so that an adapter swapped in by {@link #replaceModule} takes part.
     * @param name local name of the child
     * @return the child as a layer
     */
    protected Layer layer(String name) {
        if (child(name) instanceof Layer l) return l;
        throw new IllegalStateException(getClass().getSimpleName() + "." + name + " is a " + child(name).getClass().getSimpleName()
                + ", which does not implement Layer (a replacement must map one input to one output)");
    }

    /**
     * Replaces the child at dotted {@code path} (how adapters are injected); the owner must read the child
     * through {@link #child} or {@link #layer} when it runs, never keep it in a field.
     * @param path dotted path of the child to replace, e.g. {@code blocks.0.attn.qkv}
     * @param replacement the module put in its place
     */
    public void replaceModule(String path, Module replacement) {
        int dot = path.lastIndexOf('.');
        Module owner = dot < 0 ? this : module(path.substring(0, dot));
        String name = path.substring(dot + 1);
        if (!owner.children.containsKey(name)) throw new IllegalArgumentException("no module at '" + path + "'");
        owner.children.put(name, replacement);
    }

    /**
     * The module at dotted {@code path} ("" is this module).
     * @param path dotted path, "" for this module
     * @return the module at {@code path}
     */
    public Module module(String path) {
        Module m = this;
        if (path.isEmpty()) return m;
        for (String part : path.split("\\.")) m = m.child(part);
        return m;
    }

    // ---------------------------------------------------------------- traversal

    /**
     * Every parameter by dotted path, in registration order.
     * @return dotted name to parameter, in registration order
     */
    public Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> m.parameters.forEach((n, p) -> out.put(prefix + n, p)));
        return out;
    }

    /**
     * Every buffer by dotted path.
     * @return dotted name to buffer
     */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> m.buffers.forEach((n, b) -> out.put(prefix + n, b)));
        return out;
    }

    /**
     * Every module by dotted path, this one first under "".
     * @return dotted path to module, this one first
     */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), m));
        return out;
    }

    private interface Visitor {
        void visit(String prefix, Module m);
    }

    private void visit(String prefix, Visitor v) {
        v.visit(prefix, this);
        children.forEach((n, c) -> c.visit(prefix + n + ".", v));
    }

    /**
     * Every parameter here and below, in registration order (the state dict's order).
     * @return the parameters, in state-dict order
     */
    public List<Variable> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Parameters that currently require gradients, in order.
     * @return the trainable parameters, in order
     */
    public List<Variable> trainableParameters() {
        List<Variable> out = new ArrayList<>();
        for (Variable p : namedParameters().values()) if (p.requiresGrad()) out.add(p);
        return out;
    }

    /**
     * The number of parameter elements here and below.
     * @return the count of parameter elements
     */
    public long parameterCount() {
        long n = 0;
        for (Variable p : namedParameters().values()) n += p.data().numel();
        return n;
    }

    /**
     * The number of elements of the parameters that require gradients.
     * @return the count of trainable parameter elements
     */
    public long trainableParameterCount() {
        long n = 0;
        for (Variable p : trainableParameters()) n += p.data().numel();
        return n;
    }

    /** Drops every parameter's gradient. */
    public void zeroGrad() {
        for (Variable p : namedParameters().values()) p.zeroGrad();
    }

    // ---------------------------------------------------------------- modes and freezing

    /**
     * Sets training mode here and below (dropout active, train-time sampling).
     * @param on true for training, false for evaluation
     * @return this module
     */
    public Module train(boolean on) {
        visit("", (prefix, m) -> m.training = on);
        return this;
    }

    /**
     * Sets evaluation mode here and below: {@code train(false)}.
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * Whether this module is in training mode.
     * @return true in training mode
     */
    public boolean isTraining() {
        return training;
    }

    /**
     * Sets {@code requiresGrad} of every parameter whose dotted name matches one of the glob patterns
     * ({@code *} any run of characters, {@code ?} one character); returns how many matched.
     * @param on the value to set {@code requiresGrad} to
     * @param globs patterns over dotted parameter names, e.g. {@code blocks.*.attn.*}
     * @return the number of parameters matched
     */
    public int setRequiresGrad(boolean on, String... globs) {
        List<Pattern> patterns = new ArrayList<>();
        for (String g : globs) patterns.add(Glob.compile(g));
        int matched = 0;
        for (var e : namedParameters().entrySet()) {
            for (Pattern p : patterns) {
                if (p.matcher(e.getKey()).matches()) {
                    e.getValue().requiresGrad(on);
                    matched++;
                    break;
                }
            }
        }
        return matched;
    }

    /**
     * Freezes every parameter (then unfreeze what should train with {@link #setRequiresGrad}).
     * @return this module
     */
    public Module freeze() {
        for (Variable p : namedParameters().values()) p.requiresGrad(false);
        return this;
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Parameters and buffers by dotted name (the live tensors, not copies).
     * @return dotted name to live tensor
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> out.put(n, p.data()));
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Copies {@code state} into this module's parameters and buffers. Shape mismatches are always an
     * error; missing and unexpected keys are an error when {@code strict}. Nothing is written unless the
     * whole load can succeed. Returns the missing and unexpected keys.
     * @param state dotted name to tensor, e.g. a checkpoint's state dict
     * @param strict whether missing or unexpected keys are an error
     * @return the missing and unexpected keys
     */
    public LoadReport loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) missing.add(e.getKey());
            else if (!src.sameShape(e.getValue()))
                mismatched.add(e.getKey() + ": checkpoint " + Shape.str(src.shape()) + " vs model " + Shape.str(e.getValue().shape()));
        }
        for (String k : new TreeSet<>(state.keySet())) if (!own.containsKey(k)) unexpected.add(k);
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("state dict does not fit the model");
            if (!mismatched.isEmpty()) sb.append("; shape mismatches: ").append(mismatched);
            if (strict && !missing.isEmpty()) sb.append("; missing keys: ").append(missing);
            if (strict && !unexpected.isEmpty()) sb.append("; unexpected keys: ").append(unexpected);
            throw new IllegalArgumentException(sb.toString());
        }
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) e.getValue().copyFromInPlace(src);
        }
        return new LoadReport(Collections.unmodifiableList(missing), Collections.unmodifiableList(unexpected));
    }

    /**
     * Keys a non-strict load left untouched ({@code missing}) or ignored ({@code unexpected}).
     * @param missing state-dict keys of this module the load did not supply
     * @param unexpected supplied keys this module does not have
     */
    public record LoadReport(List<String> missing, List<String> unexpected) {}
}
