package dev.qwenomni.train;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;
import dev.qwenomni.tensor.Tensors;

import java.lang.foreign.MemorySegment;

/**
 * AdamW with decoupled weight decay over the flat buffers: decay only for parameters marked
 * for it (matrices and embeddings), none for norms and biases. The clip factor is folded into
 * the update, so clipping costs no extra pass. Frozen parameters are not touched at all (not even
 * decayed), so their values stay bit-identical.
 */
public final class AdamW {
    public final float beta1, beta2, eps, weightDecay;

    public AdamW(float beta1, float beta2, float eps, float weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** One update at 1-based step {@code step} with the gradient multiplied by gradScale. */
    public void step(ParamStore store, float lr, int step, float gradScale) {
        MemorySegment p = Tensors.seg(store.values()), g = Tensors.seg(store.grads()),
                m = Tensors.seg(store.adamM()), v = Tensors.seg(store.adamV());
        for (Param prm : store.params())
            if (!prm.frozen) Kernels.adamw(p, g, m, v, prm.offset, prm.size, lr, beta1, beta2, eps, prm.decay ? weightDecay : 0f, step, gradScale);
    }
}
