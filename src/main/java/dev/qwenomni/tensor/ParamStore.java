package dev.qwenomni.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All parameters in one flat float32 buffer, their gradients in a second and the AdamW moments
 * in two more; every parameter is a named view (its HF / SNAC state-dict name) into each.
 * Zeroing, clipping and the optimizer step are therefore one pass each over flat memory.
 * Inference needs the weights alone: the gradient and moment buffers (three times the weights)
 * are allocated the first time anything asks for a gradient or a moment.
 */
public final class ParamStore {

    /** One parameter: its name, shape, place in the flat buffers and views of value and gradient. */
    public static final class Param {
        public final String name;
        public final long[] shape;
        public final long offset;
        public final long size;
        /** Weight decay applies (matrices and embeddings; not norms, biases, scalars). */
        public final boolean decay;
        /** Left out of optimizer updates (e.g. the codec's encoder and codebooks while only its decoder trains). */
        public boolean frozen;
        public INDArray value;
        public MemorySegment v;
        private INDArray grad;
        private MemorySegment g;
        private final ParamStore store;

        Param(ParamStore store, String name, long[] shape, long offset, boolean decay) {
            this.store = store;
            this.name = name;
            this.shape = shape.clone();
            this.offset = offset;
            this.size = Tensors.numel(shape);
            this.decay = decay;
        }

        /** The gradient (allocating the store's gradient buffers on first use). */
        public INDArray grad() {
            if (grad == null) store.allocateGradients();
            return grad;
        }

        /** The gradient as memory (allocating the store's gradient buffers on first use). */
        public MemorySegment g() {
            if (g == null) store.allocateGradients();
            return g;
        }

        public String shapeString() {
            return java.util.Arrays.toString(shape);
        }
    }

    private final Map<String, Param> byName = new LinkedHashMap<>();
    private long total;
    private INDArray values, grads, m, v;

    /** Declares a parameter; must be called before {@link #allocate()}. */
    public Param add(String name, boolean decay, long... shape) {
        if (values != null) throw new IllegalStateException("store already allocated; cannot add " + name);
        if (byName.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        Param p = new Param(this, name, shape, total, decay);
        // keep every parameter 64-byte aligned so vector loads of a row start aligned
        total += (p.size + 15) / 16 * 16;
        byName.put(name, p);
        return p;
    }

    /** Allocates the weights' flat buffer (zeroed) and binds every parameter's value views. */
    public ParamStore allocate() {
        values = Tensors.zeros(Math.max(total, 1));
        MemorySegment vs = Tensors.seg(values);
        for (Param p : byName.values()) {
            p.value = Tensors.view(values, p.offset, p.shape);
            p.v = vs.asSlice(p.offset * 4, p.size * 4);
        }
        return this;
    }

    /** Whether the gradient and moment buffers exist (training has asked for them). */
    public boolean hasGradients() { return grads != null; }

    /** Allocates the gradient and AdamW moment buffers (zeroed) and binds every parameter's gradient views. */
    private synchronized void allocateGradients() {
        if (grads != null) return;
        if (values == null) throw new IllegalStateException("allocate the store before asking for gradients");
        grads = Tensors.zeros(values.length());
        m = Tensors.zeros(values.length());
        v = Tensors.zeros(values.length());
        MemorySegment gs = Tensors.seg(grads);
        for (Param p : byName.values()) {
            p.grad = Tensors.view(grads, p.offset, p.shape);
            p.g = gs.asSlice(p.offset * 4, p.size * 4);
        }
    }

    public Param get(String name) {
        Param p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named " + name);
        return p;
    }

    public boolean has(String name) { return byName.containsKey(name); }

    public List<Param> params() { return Collections.unmodifiableList(new ArrayList<>(byName.values())); }

    /** Number of trainable scalars (without alignment padding). */
    public long count() {
        long n = 0;
        for (Param p : byName.values()) n += p.size;
        return n;
    }

    public long flatLength() { return values.length(); }
    public INDArray values() { return values; }
    public INDArray grads() { allocateGradients(); return grads; }
    public INDArray adamM() { allocateGradients(); return m; }
    public INDArray adamV() { allocateGradients(); return v; }

    public void zeroGrads() { Kernels.zero(Tensors.seg(grads()), 0, grads.length()); }

    /** Global L2 norm of the gradients of the parameters that train (padding is always zero); a frozen one's gradient, still computed on the way through, does not count. */
    public double gradNorm() {
        if (byName.values().stream().noneMatch(p -> p.frozen)) return Math.sqrt(Kernels.sumSquares(Tensors.seg(grads()), grads.length()));
        double ss = 0;
        for (Param p : byName.values()) if (!p.frozen) ss += Kernels.sumSquares(p.g(), p.size);
        return Math.sqrt(ss);
    }
}
