package dev.qwenomni.nn;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;

import java.lang.foreign.MemorySegment;

/**
 * The per-head half of attention's input path, fused: takes a projection laid out token-major
 * [B, T, H, D], applies the per-head RMSNorm (Qwen3's q_norm / k_norm, one weight of size D
 * shared by all heads; skipped when norm is null), then RoPE at each token's position, and
 * writes head-major [B, H, T, D] so each head's rows are contiguous for attention.
 * With rope == null it is only the layout change (used for v).
 */
public final class HeadNormRope {
    private HeadNormRope() {}

    public static void forward(MemorySegment out, MemorySegment rstd, MemorySegment in, Param norm, Rope rope,
                               int B, int T, int H, int D, int posOffset, float eps) {
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int h = 0; h < H; h++) {
                    long src = (((long) b * T + t) * H + h) * D;
                    long dst = (((long) b * H + h) * T + t) * D;
                    long row = ((long) b * T + t) * H + h;
                    if (norm != null) {
                        Kernels.rmsnormForward(out.asSlice(dst * 4, D * 4L), in.asSlice(src * 4, D * 4L), norm.v,
                                rstd.asSlice(row * 4, 4), 1, D, eps);
                    } else {
                        MemorySegment.copy(in, src * 4, out, dst * 4, D * 4L);
                    }
                    if (rope != null) rope.rotate(out, dst, posOffset + t, false);
                }
    }

    /**
     * dIn (token-major, overwritten) from dOut (head-major, left unchanged): inverse rotation,
     * then the RMSNorm backward, which adds the norm weight's gradient.
     */
    public static void backward(MemorySegment dIn, MemorySegment dOut, MemorySegment in, MemorySegment rstd,
                                Param norm, Rope rope, int B, int T, int H, int D, int posOffset) {
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int h = 0; h < H; h++) {
                    long src = (((long) b * T + t) * H + h) * D;
                    long dst = (((long) b * H + h) * T + t) * D;
                    long row = ((long) b * T + t) * H + h;
                    if (norm != null) {
                        // un-rotate into dIn's row first, then norm-backward from there in place
                        MemorySegment.copy(dOut, dst * 4, dIn, src * 4, D * 4L);
                        if (rope != null) rope.rotate(dIn, src, posOffset + t, true);
                        MemorySegment g = dIn.asSlice(src * 4, D * 4L);
                        Kernels.rmsnormBackward(g, norm.g(), g, in.asSlice(src * 4, D * 4L), norm.v,
                                rstd.asSlice(row * 4, 4), 1, D, false);
                    } else {
                        MemorySegment.copy(dOut, dst * 4, dIn, src * 4, D * 4L);
                        if (rope != null) rope.rotate(dIn, src, posOffset + t, true);
                    }
                }
    }
}
