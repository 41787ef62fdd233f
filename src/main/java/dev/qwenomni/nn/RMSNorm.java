package dev.qwenomni.nn;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;

import java.lang.foreign.MemorySegment;

/** y = w * x / sqrt(mean(x^2) + eps) over rows of length dim (Qwen3: plain w, not 1 + w). */
public final class RMSNorm {
    private RMSNorm() {}

    public static void forward(MemorySegment out, MemorySegment rstd, MemorySegment x, Param w, int rows, float eps) {
        Kernels.rmsnormForward(out, x, w.v, rstd, rows, (int) w.size, eps);
    }

    /** dx += the input gradient (accumulate) or dx = it; w's gradient is added. */
    public static void backward(MemorySegment dx, boolean accumulate, Param w, MemorySegment dy, MemorySegment x,
                                MemorySegment rstd, int rows) {
        Kernels.rmsnormBackward(dx, w.g(), dy, x, w.v, rstd, rows, (int) w.size, accumulate);
    }
}
