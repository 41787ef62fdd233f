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

    /** Per head vector: its token-major offset, its head-major offset, its row (for rstd) and its time step. */
    private interface HeadVector {
        void at(long tokenMajor, long headMajor, long row, int t);
    }

    private static void eachHead(int B, int T, int H, int D, HeadVector f) {
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int h = 0; h < H; h++)
                    f.at((((long) b * T + t) * H + h) * D, (((long) b * H + h) * T + t) * D, ((long) b * T + t) * H + h, t);
    }

    public static void forward(MemorySegment out, MemorySegment rstd, MemorySegment in, Param norm, Rope rope,
                               int B, int T, int H, int D, int posOffset, float eps) {
        eachHead(B, T, H, D, (src, dst, row, t) ->
                head(out, dst, in, src, norm == null ? null : rstd.asSlice(row * 4, 4), norm, rope, D, posOffset + t, eps));
    }

    /**
     * One head's vector: in[src, src + D) normed (when norm is not null; its 1/rms into rstd) and
     * rotated to position pos (when rope is not null), into out[dst, dst + D). In place when out and in are the same row:
     * the KV-cache decoder's path, the same arithmetic as training's.
     */
    public static void head(MemorySegment out, long dst, MemorySegment in, long src, MemorySegment rstd, Param norm, Rope rope,
                            int D, int pos, float eps) {
        if (norm != null) Kernels.rmsnormForward(out.asSlice(dst * 4, D * 4L), in.asSlice(src * 4, D * 4L), norm.v, rstd, 1, D, eps);
        else if (out != in || dst != src) MemorySegment.copy(in, src * 4, out, dst * 4, D * 4L);
        if (rope != null) rope.rotate(out, dst, pos, false);
    }

    /**
     * dIn (token-major, overwritten) from dOut (head-major, left unchanged): inverse rotation,
     * then the RMSNorm backward, which adds the norm weight's gradient.
     */
    public static void backward(MemorySegment dIn, MemorySegment dOut, MemorySegment in, MemorySegment rstd,
                                Param norm, Rope rope, int B, int T, int H, int D, int posOffset) {
        eachHead(B, T, H, D, (src, dst, row, t) -> {
            // un-rotate into dIn's row first, then (with a norm) norm-backward from there in place
            MemorySegment.copy(dOut, dst * 4, dIn, src * 4, D * 4L);
            if (rope != null) rope.rotate(dIn, src, posOffset + t, true);
            if (norm != null) {
                MemorySegment g = dIn.asSlice(src * 4, D * 4L);
                Kernels.rmsnormBackward(g, norm.g(), g, in.asSlice(src * 4, D * 4L), norm.v, rstd.asSlice(row * 4, 4), 1, D, false);
            }
        });
    }
}
