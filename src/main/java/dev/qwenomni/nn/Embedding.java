package dev.qwenomni.nn;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;

import java.lang.foreign.MemorySegment;

/** Token embedding lookup: out[n] = W[ids[n]]. */
public final class Embedding {
    private Embedding() {}

    public static void forward(MemorySegment out, int[] ids, int n, Param w) {
        int vocab = (int) w.shape[0], dim = (int) w.shape[1];
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocab)
                throw new IllegalArgumentException("token id " + id + " at position " + i + " outside vocabulary of " + vocab);
            MemorySegment.copy(w.v, (long) id * dim * 4, out, (long) i * dim * 4, (long) dim * 4);
        }
    }

    /** dW[ids[n]] += dOut[n] (adds, so a tied lm_head's gradient is kept). */
    public static void backward(Param w, MemorySegment dOut, int[] ids, int n) {
        int dim = (int) w.shape[1];
        for (int i = 0; i < n; i++) Kernels.axpy(1f, dOut, (long) i * dim, w.g(), (long) ids[i] * dim, dim);
    }
}
