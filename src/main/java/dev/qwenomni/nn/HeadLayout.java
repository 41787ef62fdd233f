package dev.qwenomni.nn;

import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What the materialised kernels share about the layouts: per-head [T, D] views of head-major
 * buffers (made once per buffer: ND4J views carry native shape buffers), and the copies between a
 * head's contiguous rows and the token-major [B, T, H, D] attention output.
 */
final class HeadLayout {
    private final Attention.Shape s;
    private final Map<INDArray, INDArray[]> views = new IdentityHashMap<>();

    HeadLayout(Attention.Shape s) { this.s = s; }

    /** Per-head [T, D] views of a head-major buffer. */
    INDArray[] heads(INDArray x) {
        return views.computeIfAbsent(x, a -> {
            int n = (int) (a.length() / ((long) s.T() * s.D()));
            INDArray[] v = new INDArray[n];
            for (int i = 0; i < n; i++) v[i] = Tensors.view(a, (long) i * s.T() * s.D(), s.T(), s.D());
            return v;
        });
    }

    /** A head's rows [T, D] into the token-major output at (b, h). */
    void scatter(MemorySegment head, MemorySegment out, int b, int h) {
        int T = s.T(), H = s.H(), D = s.D();
        for (int i = 0; i < T; i++) MemorySegment.copy(head, (long) i * D * 4, out, (((long) b * T + i) * H + h) * D * 4, D * 4L);
    }

    /** The token-major rows of (b, h) into a head's [T, D]. */
    void gather(MemorySegment in, MemorySegment head, int b, int h) {
        int T = s.T(), H = s.H(), D = s.D();
        for (int i = 0; i < T; i++) MemorySegment.copy(in, (((long) b * T + i) * H + h) * D * 4, head, (long) i * D * 4, D * 4L);
    }
}
