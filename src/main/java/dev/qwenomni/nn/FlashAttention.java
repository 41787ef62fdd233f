package dev.qwenomni.nn;

import dev.qwenomni.tensor.Arena;
import dev.qwenomni.tensor.Tensors;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * Flash-style attention in Vector API code. Keys are visited in tiles of {@link #TILE}: each
 * tile's scores are computed, the running max and sum rescaled (online softmax) and P V
 * accumulated, so no T x T matrix exists; only the log-sum-exp per query row is kept, and the
 * backward recomputes probabilities from it.
 * <p>
 * Work is split across (batch, kv head), so the GQA sums into dK and dV never race. Each task
 * first stages its head's rows in a per-thread scratch (O(T D) copies against O(T^2 D) work, the
 * CPU analogue of loading a tile into shared memory), with K and V also transposed so that one
 * vector of scores (one key per lane) comes out of D broadcast-FMAs with no horizontal
 * reductions. The backward runs key chunks in the outer loop (FlashAttention-2 order) so the
 * chunk's dK and dV stay in registers while the query rows stream past.
 */
final class FlashAttention implements Attention {
    static final int TILE = 64;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Shape s;
    // row stride of the transposed K/V/dK/dV: T rounded up to the tile (vector loads stay inside)
    // plus one vector, so the D rows do not sit a power of two apart and alias in the L1 cache
    private final int Tp;
    private final INDArray lse; // [B, H, T]
    private final ThreadLocal<Scratch> scratch;

    FlashAttention(Shape s, Arena arena) {
        this.s = s;
        this.Tp = (s.T() + TILE - 1) / TILE * TILE + L;
        lse = arena.take((long) s.B() * s.H(), s.T());
        scratch = ThreadLocal.withInitial(() -> new Scratch(s.T(), Tp, s.D()));
    }

    /** One thread's staging buffers for one (batch, kv head) group. */
    private static final class Scratch {
        final float[] q, k, kt, v, vt, dO, dq, dkt, dvt, acc, sc, pRows, dsRows, delta, rowLse;

        Scratch(int T, int Tp, int D) {
            q = new float[T * D]; k = new float[T * D]; v = new float[T * D];
            dO = new float[T * D]; dq = new float[T * D];
            kt = new float[D * Tp]; vt = new float[D * Tp]; dkt = new float[D * Tp]; dvt = new float[D * Tp];
            acc = new float[D]; sc = new float[TILE];
            pRows = new float[Tp * L]; dsRows = new float[Tp * L]; delta = new float[T]; rowLse = new float[T];
        }
    }

    @Override
    public void forward(INDArray q, INDArray k, INDArray v, INDArray out) {
        MemorySegment qs = Tensors.seg(q), ks = Tensors.seg(k), vs = Tensors.seg(v), os = Tensors.seg(out), ls = Tensors.seg(lse);
        IntStream.range(0, s.B() * s.Hkv()).parallel().forEach(bg -> forwardGroup(bg, qs, ks, vs, os, ls));
    }

    private void forwardGroup(int bg, MemorySegment qSeg, MemorySegment kSeg, MemorySegment vSeg, MemorySegment out,
                              MemorySegment lse) {
        int T = s.T(), D = s.D(), H = s.H(), b = bg / s.Hkv(), g = bg % s.Hkv();
        float scale = s.scale();
        Scratch w = scratch.get();
        long kvBase = (long) bg * T * D;
        transposeIn(kSeg, kvBase, w.kt, T, D);
        MemorySegment.copy(vSeg, F, kvBase * 4, w.v, 0, T * D);
        float[] q = w.q, kt = w.kt, vv = w.v, acc = w.acc, sc = w.sc;
        for (int h = g * s.group(); h < (g + 1) * s.group(); h++) {
            MemorySegment.copy(qSeg, F, ((long) b * H + h) * T * D * 4, q, 0, T * D);
            for (int i = 0; i < T; i++) {
                int qi = i * D;
                float max = Float.NEGATIVE_INFINITY, sum = 0f;
                java.util.Arrays.fill(acc, 0f);
                for (int j0 = 0; j0 <= i; j0 += TILE) {
                    int n = Math.min(i + 1, j0 + TILE) - j0; // valid keys in this tile
                    float tileMax = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < n; c += L) {
                        FloatVector sv = FloatVector.zero(S);
                        for (int d = 0; d < D; d++)
                            sv = FloatVector.fromArray(S, kt, d * Tp + j0 + c).fma(FloatVector.broadcast(S, q[qi + d]), sv);
                        sv = sv.mul(scale);
                        sv.intoArray(sc, c);
                        VectorMask<Float> m = S.indexInRange(c, n);
                        tileMax = Math.max(tileMax, sv.reduceLanes(VectorOperators.MAX, m));
                    }
                    float newMax = Math.max(max, tileMax);
                    float corr = (float) Math.exp(max - newMax);
                    sum *= corr;
                    FloatVector nm = FloatVector.broadcast(S, newMax);
                    for (int c = 0; c < n; c += L) {
                        VectorMask<Float> m = S.indexInRange(c, n);
                        FloatVector p = FloatVector.fromArray(S, sc, c).sub(nm).lanewise(VectorOperators.EXP);
                        p = FloatVector.zero(S).blend(p, m);
                        sum += p.reduceLanes(VectorOperators.ADD);
                        p.intoArray(sc, c);
                    }
                    // acc = acc * corr + sum_j p_j v_j, one register accumulator per D-slice
                    int d = 0;
                    for (; d <= D - L; d += L) {
                        FloatVector a = FloatVector.fromArray(S, acc, d).mul(corr);
                        for (int j = 0; j < n; j++)
                            a = FloatVector.fromArray(S, vv, (j0 + j) * D + d).fma(FloatVector.broadcast(S, sc[j]), a);
                        a.intoArray(acc, d);
                    }
                    for (; d < D; d++) {
                        float a = acc[d] * corr;
                        for (int j = 0; j < n; j++) a += sc[j] * vv[(j0 + j) * D + d];
                        acc[d] = a;
                    }
                    max = newMax;
                }
                long o = (((long) b * T + i) * H + h) * D;
                float inv = 1f / sum;
                for (int d = 0; d < D; d++) out.setAtIndex(F, o + d, acc[d] * inv);
                lse.setAtIndex(F, ((long) b * H + h) * T + i, max + (float) Math.log(sum));
            }
        }
    }

    @Override
    public void backward(INDArray dOut, INDArray q, INDArray k, INDArray v, INDArray out,
                         INDArray dq, INDArray dk, INDArray dv) {
        MemorySegment dos = Tensors.seg(dOut), qs = Tensors.seg(q), ks = Tensors.seg(k), vs = Tensors.seg(v),
                os = Tensors.seg(out), dqs = Tensors.seg(dq), dks = Tensors.seg(dk), dvs = Tensors.seg(dv), ls = Tensors.seg(lse);
        IntStream.range(0, s.B() * s.Hkv()).parallel()
                .forEach(bg -> backwardGroup(bg, dos, qs, ks, vs, os, dqs, dks, dvs, ls));
    }

    private void backwardGroup(int bg, MemorySegment dOutSeg, MemorySegment qSeg, MemorySegment kSeg, MemorySegment vSeg,
                               MemorySegment outSeg, MemorySegment dqSeg, MemorySegment dkSeg, MemorySegment dvSeg,
                               MemorySegment lse) {
        int T = s.T(), D = s.D(), H = s.H(), b = bg / s.Hkv(), g = bg % s.Hkv();
        float scale = s.scale();
        Scratch w = scratch.get();
        long kvBase = (long) bg * T * D;
        MemorySegment.copy(kSeg, F, kvBase * 4, w.k, 0, T * D);
        transposeIn(kSeg, kvBase, w.kt, T, D);
        transposeIn(vSeg, kvBase, w.vt, T, D);
        java.util.Arrays.fill(w.dkt, 0f);
        java.util.Arrays.fill(w.dvt, 0f);
        float[] q = w.q, kk = w.k, kt = w.kt, vt = w.vt, dO = w.dO, dq = w.dq, dkt = w.dkt, dvt = w.dvt,
                pr = w.pRows, dsr = w.dsRows, delta = w.delta, rowLse = w.rowLse;
        for (int h = g * s.group(); h < (g + 1) * s.group(); h++) {
            MemorySegment.copy(qSeg, F, ((long) b * H + h) * T * D * 4, q, 0, T * D);
            for (int i = 0; i < T; i++) {
                long src = (((long) b * T + i) * H + h) * D;
                MemorySegment.copy(dOutSeg, F, src * 4, dO, i * D, D);
                float dl = 0f; // rowsum(P * dP) = dO_i . O_i
                for (int d = 0; d < D; d++) dl += dO[i * D + d] * outSeg.getAtIndex(F, src + d);
                delta[i] = dl;
                rowLse[i] = lse.getAtIndex(F, ((long) b * H + h) * T + i);
            }
            java.util.Arrays.fill(dq, 0f);
            for (int c = 0; c < T; c += L) { // keys c .. c+L-1, one per lane
                for (int i = c; i < T; i++) {
                    int qi = i * D;
                    FloatVector sv = FloatVector.zero(S), dp = FloatVector.zero(S);
                    for (int d = 0; d < D; d++) {
                        sv = FloatVector.fromArray(S, kt, d * Tp + c).fma(FloatVector.broadcast(S, q[qi + d]), sv);
                        dp = FloatVector.fromArray(S, vt, d * Tp + c).fma(FloatVector.broadcast(S, dO[qi + d]), dp);
                    }
                    VectorMask<Float> causal = S.indexInRange(0, i - c + 1);
                    FloatVector p = FloatVector.zero(S).blend(sv.mul(scale).sub(rowLse[i]).lanewise(VectorOperators.EXP), causal);
                    FloatVector ds = p.mul(dp.sub(delta[i])).mul(scale);
                    int r = (i - c) * L;
                    p.intoArray(pr, r);
                    ds.intoArray(dsr, r);
                    // dq_i += sum over the chunk's keys of ds_j k_j
                    int lanes = Math.min(L, T - c);
                    int d = 0;
                    for (; d <= D - L; d += L) {
                        FloatVector a = FloatVector.fromArray(S, dq, qi + d);
                        for (int l = 0; l < lanes; l++)
                            a = FloatVector.fromArray(S, kk, (c + l) * D + d).fma(FloatVector.broadcast(S, dsr[r + l]), a);
                        a.intoArray(dq, qi + d);
                    }
                    for (; d < D; d++) {
                        float a = dq[qi + d];
                        for (int l = 0; l < lanes; l++) a += dsr[r + l] * kk[(c + l) * D + d];
                        dq[qi + d] = a;
                    }
                }
                // dK^T[:, chunk] += sum_i ds_i q_i^T and dV^T[:, chunk] += sum_i p_i dO_i^T, kept in registers over i
                int rows = T - c;
                for (int d = 0; d < D; d++) {
                    FloatVector ak = FloatVector.fromArray(S, dkt, d * Tp + c), av = FloatVector.fromArray(S, dvt, d * Tp + c);
                    for (int ii = 0; ii < rows; ii++) {
                        int qi = (c + ii) * D + d;
                        ak = FloatVector.fromArray(S, dsr, ii * L).fma(FloatVector.broadcast(S, q[qi]), ak);
                        av = FloatVector.fromArray(S, pr, ii * L).fma(FloatVector.broadcast(S, dO[qi]), av);
                    }
                    ak.intoArray(dkt, d * Tp + c);
                    av.intoArray(dvt, d * Tp + c);
                }
            }
            MemorySegment.copy(dq, 0, dqSeg, F, ((long) b * H + h) * T * D * 4, T * D);
        }
        for (int t = 0; t < T; t++)
            for (int d = 0; d < D; d++) {
                dkSeg.setAtIndex(F, kvBase + (long) t * D + d, dkt[d * Tp + t]);
                dvSeg.setAtIndex(F, kvBase + (long) t * D + d, dvt[d * Tp + t]);
            }
    }

    /** dst[d * Tp + t] = src[base + t * D + d]; the padding columns stay zero. */
    private void transposeIn(MemorySegment src, long base, float[] dst, int T, int D) {
        for (int t = 0; t < T; t++)
            for (int d = 0; d < D; d++) dst[d * Tp + t] = src.getAtIndex(F, base + (long) t * D + d);
    }
}
