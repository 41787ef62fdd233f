package dev.qwenomni.nn;

import dev.qwenomni.tensor.Arena;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The materialised kernel's mathematics, cut into row blocks so the causal mask skips work: the
 * queries of block [r0, r1) can only see keys [0, r1), so each block's scores, probabilities and
 * products cover r1 columns instead of T. With T = 1024 and 128-row blocks that is 56% of the
 * full kernel's score and value products (the real-size LM step: 385 -> 423 tokens/s, medians of
 * three alternating runs against the materialised kernel). Probabilities are kept per block, packed (block j is
 * [rows_j, r1_j], dense), for the backward. No auxiliary attention loss (it reads whole T x T rows).
 */
final class BlockCausalAttention implements Attention {
    static final int DEFAULT_BLOCK_ROWS = 128;

    private final Shape s;
    private final int rows, blocks;
    private final long[] blockOffset; // where block j starts within one head's packed probabilities
    private final long headStride;    // packed probabilities per head
    private final INDArray probs, dP; // [B * H * headStride], scratch (sizes below)
    private final INDArray tmp;       // scratch rows of D
    private final HeadLayout layout;
    // every view is made once: ND4J views carry native shape buffers, and making thousands per step
    // left the step's speed to the garbage collector (1110 to 2512 tokens/s from run to run at T = 256)
    private final Map<INDArray, INDArray[][]> blockViews = new IdentityHashMap<>();
    private final INDArray[][] probsBlocks; // [bh][j]
    private final INDArray[] dpBlocks;      // [j]
    // one block: the query heads of a key/value group are adjacent in the head-major layout, so
    // their products run as one [group T, D] gemm, halving the calls (or better) at T < 1024
    private final boolean stacked;
    private final INDArray[] probsGroup;     // [b * Hkv + g]: [group T, T]
    private final INDArray dPGroup;         // [group T, T], a view of dP
    private final Map<INDArray, INDArray[]> groupViews = new IdentityHashMap<>();

    /**
     * 128-row blocks from 1024 positions up; below that one block (the materialised kernel's work):
     * at T = 256, two blocks ran 35-55% slower, the ND4J calls of the smaller products costing more
     * than the skipped half saves (bench-peer lm_train, 2026-12-08).
     */
    BlockCausalAttention(Shape s, Arena arena) { this(s, arena, s.T() >= 1024 ? DEFAULT_BLOCK_ROWS : s.T()); }

    BlockCausalAttention(Shape s, Arena arena, int blockRows) {
        this.s = s;
        layout = new HeadLayout(s);
        int T = s.T();
        rows = Math.min(blockRows, T);
        blocks = (T + rows - 1) / rows;
        blockOffset = new long[blocks + 1];
        for (int j = 0; j < blocks; j++) blockOffset[j + 1] = blockOffset[j] + (long) (r1(j) - r0(j)) * r1(j);
        headStride = blockOffset[blocks];
        probs = arena.take((long) s.B() * s.H() * headStride);
        stacked = blocks == 1 && s.group() > 1;
        int G = stacked ? s.group() : 1;
        dP = arena.take((long) G * rows * T); // [rows, T] for a block, or [group T, T] for a group
        tmp = arena.take((long) G * T, s.D());  // [T, D], or [group T, D]
        probsBlocks = new INDArray[stacked ? 0 : s.B() * s.H()][blocks];
        for (int bh = 0; bh < probsBlocks.length; bh++)
            for (int j = 0; j < blocks; j++)
                probsBlocks[bh][j] = Tensors.view(probs, bh * headStride + blockOffset[j], r1(j) - r0(j), r1(j));
        dpBlocks = new INDArray[blocks];
        for (int j = 0; j < blocks; j++) dpBlocks[j] = Tensors.view(dP, 0, r1(j) - r0(j), r1(j));
        probsGroup = new INDArray[stacked ? s.B() * s.Hkv() : 0];
        for (int bg = 0; bg < probsGroup.length; bg++)
            probsGroup[bg] = Tensors.view(probs, ((long) (bg / s.Hkv()) * s.H() + (long) (bg % s.Hkv()) * G) * headStride, (long) G * T, T);
        dPGroup = stacked ? Tensors.view(dP, 0, (long) G * T, T) : null;
    }

    /** The [group T, D] rows of each key/value group's query heads in a head-major [B, H, T, D] buffer. */
    private INDArray[] groups(INDArray x) {
        return groupViews.computeIfAbsent(x, a -> {
            int G = s.group();
            INDArray[] v = new INDArray[s.B() * s.Hkv()];
            for (int bg = 0; bg < v.length; bg++)
                v[bg] = Tensors.view(a, ((long) (bg / s.Hkv()) * s.H() + (long) (bg % s.Hkv()) * G) * s.T() * s.D(), (long) G * s.T(), s.D());
            return v;
        });
    }

    private int r0(int j) { return j * rows; }
    private int r1(int j) { return Math.min(s.T(), (j + 1) * rows); }

    /** A per-head [T, D] view's rows of block j, [r0, r1), and the rows it sees, [0, r1). */
    private INDArray[][] blocksOf(INDArray head) {
        return blockViews.computeIfAbsent(head, h -> {
            INDArray[][] v = new INDArray[2][blocks];
            for (int j = 0; j < blocks; j++) {
                v[0][j] = Tensors.view(h, (long) r0(j) * s.D(), r1(j) - r0(j), s.D());
                v[1][j] = Tensors.view(h, 0, r1(j), s.D());
            }
            return v;
        });
    }

    private INDArray own(INDArray head, int j) { return blocksOf(head)[0][j]; }
    private INDArray seen(INDArray head, int j) { return blocksOf(head)[1][j]; }

    @Override
    public void forward(INDArray q, INDArray k, INDArray v, INDArray out) {
        if (stacked) { forwardStacked(q, k, v, out); return; }
        int B = s.B(), H = s.H();
        INDArray[] qh = layout.heads(q), kh = layout.heads(k), vh = layout.heads(v);
        MemorySegment o = Tensors.seg(out), t = Tensors.seg(tmp);
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                int bh = b * H + h, bg = b * s.Hkv() + h / s.group();
                for (int j = 0; j < blocks; j++) {
                    int a0 = r0(j), a1 = r1(j);
                    INDArray p = probsBlocks[bh][j];
                    Tensors.gemm(own(qh[bh], j), seen(kh[bg], j), p, false, true, 1.0, 0.0);
                    MemorySegment ps = Tensors.seg(p);
                    for (int i = a0; i < a1; i++) Kernels.softmaxRow(ps, (long) (i - a0) * a1, i + 1, a1, s.scale());
                    Tensors.gemm(p, seen(vh[bg], j), own(tmp, j), false, false, 1.0, 0.0);
                }
                layout.scatter(t, o, b, h);
            }
    }

    private void forwardStacked(INDArray q, INDArray k, INDArray v, INDArray out) {
        int T = s.T(), D = s.D(), G = s.group();
        INDArray[] qg = groups(q), kh = layout.heads(k), vh = layout.heads(v);
        MemorySegment o = Tensors.seg(out), t = Tensors.seg(tmp);
        for (int bg = 0; bg < qg.length; bg++) {
            int b = bg / s.Hkv(), h0 = (bg % s.Hkv()) * G;
            INDArray p = probsGroup[bg];
            Tensors.gemm(qg[bg], kh[bg], p, false, true, 1.0, 0.0);
            MemorySegment ps = Tensors.seg(p);
            for (int r = 0; r < G * T; r++) Kernels.softmaxRow(ps, (long) r * T, r % T + 1, T, s.scale());
            Tensors.gemm(p, vh[bg], tmp, false, false, 1.0, 0.0);
            for (int e = 0; e < G; e++) layout.scatter(t.asSlice((long) e * T * D * 4), o, b, h0 + e);
        }
    }

    private void backwardStacked(INDArray dOut, INDArray q, INDArray k, INDArray v, INDArray dq, INDArray dk, INDArray dv) {
        int T = s.T(), D = s.D(), G = s.group();
        INDArray[] qg = groups(q), dqg = groups(dq), kh = layout.heads(k), vh = layout.heads(v), dkh = layout.heads(dk), dvh = layout.heads(dv);
        MemorySegment dO = Tensors.seg(dOut), t = Tensors.seg(tmp), dps = Tensors.seg(dPGroup);
        Kernels.zero(Tensors.seg(dk), 0, dk.length());
        Kernels.zero(Tensors.seg(dv), 0, dv.length());
        for (int bg = 0; bg < qg.length; bg++) {
            int b = bg / s.Hkv(), h0 = (bg % s.Hkv()) * G;
            for (int e = 0; e < G; e++) layout.gather(dO, t.asSlice((long) e * T * D * 4), b, h0 + e);
            INDArray p = probsGroup[bg];
            MemorySegment ps = Tensors.seg(p);
            Tensors.gemm(p, tmp, dvh[bg], true, false, 1.0, 1.0);
            Tensors.gemm(tmp, vh[bg], dPGroup, false, true, 1.0, 0.0);
            for (int r = 0; r < G * T; r++) Kernels.softmaxBackwardRow(ps, dps, (long) r * T, r % T + 1, T, s.scale());
            Tensors.gemm(dPGroup, kh[bg], dqg[bg], false, false, 1.0, 0.0);
            Tensors.gemm(dPGroup, qg[bg], dkh[bg], true, false, 1.0, 1.0);
        }
    }

    @Override
    public void backward(INDArray dOut, INDArray q, INDArray k, INDArray v, INDArray out,
                         INDArray dq, INDArray dk, INDArray dv) {
        if (stacked) { backwardStacked(dOut, q, k, v, dq, dk, dv); return; }
        int B = s.B(), H = s.H();
        INDArray[] qh = layout.heads(q), kh = layout.heads(k), vh = layout.heads(v);
        INDArray[] dqh = layout.heads(dq), dkh = layout.heads(dk), dvh = layout.heads(dv);
        MemorySegment dO = Tensors.seg(dOut), t = Tensors.seg(tmp);
        Kernels.zero(Tensors.seg(dk), 0, dk.length());
        Kernels.zero(Tensors.seg(dv), 0, dv.length());
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                int bh = b * H + h, bg = b * s.Hkv() + h / s.group();
                layout.gather(dO, t, b, h);
                for (int j = 0; j < blocks; j++) {
                    int a0 = r0(j), a1 = r1(j);
                    INDArray p = probsBlocks[bh][j], dOb = own(tmp, j), dp = dpBlocks[j];
                    MemorySegment ps = Tensors.seg(p), dps = Tensors.seg(dp);
                    Tensors.gemm(p, dOb, seen(dvh[bg], j), true, false, 1.0, 1.0);
                    Tensors.gemm(dOb, seen(vh[bg], j), dp, false, true, 1.0, 0.0);
                    for (int i = a0; i < a1; i++) Kernels.softmaxBackwardRow(ps, dps, (long) (i - a0) * a1, i + 1, a1, s.scale());
                    Tensors.gemm(dp, seen(kh[bg], j), own(dqh[bh], j), false, false, 1.0, 0.0);
                    Tensors.gemm(dp, own(qh[bh], j), seen(dkh[bg], j), true, false, 1.0, 1.0);
                }
            }
    }
}
