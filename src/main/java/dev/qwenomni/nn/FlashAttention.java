package dev.qwenomni.nn;

import dev.qwenomni.tensor.Arena;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

/**
 * Flash-style attention in Vector API code: keys are visited in tiles of {@link #TILE}; each
 * tile's scores are computed, the running max and sum rescaled (online softmax), and P V
 * accumulated, so no T x T matrix exists. Only the log-sum-exp per query row is kept; the
 * backward recomputes probabilities from it. Work is split across (batch, kv head) so the GQA
 * gradient sums into dK and dV never race.
 */
final class FlashAttention implements Attention {
    static final int TILE = 64;
    private final Shape s;
    private final INDArray lse; // [B, H, T]

    FlashAttention(Shape s, Arena arena) {
        this.s = s;
        lse = arena.take((long) s.B() * s.H(), s.T());
    }

    @Override
    public void forward(INDArray q, INDArray k, INDArray v, INDArray out) {
        MemorySegment qs = Tensors.seg(q), ks = Tensors.seg(k), vs = Tensors.seg(v), os = Tensors.seg(out),
                ls = Tensors.seg(lse);
        IntStream.range(0, s.B() * s.Hkv()).parallel().forEach(bg -> forwardGroup(bg, qs, ks, vs, os, ls));
    }

    private void forwardGroup(int bg, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out,
                              MemorySegment lse) {
        int T = s.T(), D = s.D(), H = s.H(), b = bg / s.Hkv(), g = bg % s.Hkv();
        float scale = s.scale();
        float[] scores = new float[TILE];
        MemorySegment acc = MemorySegment.ofArray(new float[D]);
        long kvBase = (long) bg * T * D;
        for (int h = g * s.group(); h < (g + 1) * s.group(); h++) {
            long qBase = ((long) b * H + h) * T * D;
            for (int i = 0; i < T; i++) {
                long qi = qBase + (long) i * D;
                float max = Float.NEGATIVE_INFINITY, sum = 0f;
                acc.fill((byte) 0);
                for (int j0 = 0; j0 <= i; j0 += TILE) {
                    int j1 = Math.min(i + 1, j0 + TILE);
                    float tileMax = Float.NEGATIVE_INFINITY;
                    for (int j = j0; j < j1; j++) {
                        float sc = Kernels.dot(q, qi, k, kvBase + (long) j * D, D) * scale;
                        scores[j - j0] = sc;
                        tileMax = Math.max(tileMax, sc);
                    }
                    float newMax = Math.max(max, tileMax);
                    float correction = (float) Math.exp(max - newMax);
                    sum *= correction;
                    Kernels.scale(acc, 0, D, correction);
                    for (int j = j0; j < j1; j++) {
                        float p = (float) Math.exp(scores[j - j0] - newMax);
                        sum += p;
                        Kernels.axpy(p, v, kvBase + (long) j * D, acc, 0, D);
                    }
                    max = newMax;
                }
                long o = (((long) b * T + i) * H + h) * D;
                MemorySegment.copy(acc, 0, out, o * 4, D * 4L);
                Kernels.scale(out, o, D, 1f / sum);
                Kernels.set(lse, ((long) b * H + h) * T + i, max + (float) Math.log(sum));
            }
        }
    }

    @Override
    public void backward(INDArray dOut, INDArray q, INDArray k, INDArray v, INDArray out,
                         INDArray dq, INDArray dk, INDArray dv) {
        MemorySegment dos = Tensors.seg(dOut), qs = Tensors.seg(q), ks = Tensors.seg(k), vs = Tensors.seg(v),
                os = Tensors.seg(out), dqs = Tensors.seg(dq), dks = Tensors.seg(dk), dvs = Tensors.seg(dv),
                ls = Tensors.seg(lse);
        IntStream.range(0, s.B() * s.Hkv()).parallel()
                .forEach(bg -> backwardGroup(bg, dos, qs, ks, vs, os, dqs, dks, dvs, ls));
    }

    private void backwardGroup(int bg, MemorySegment dOut, MemorySegment q, MemorySegment k, MemorySegment v,
                               MemorySegment out, MemorySegment dq, MemorySegment dk, MemorySegment dv,
                               MemorySegment lse) {
        int T = s.T(), D = s.D(), H = s.H(), b = bg / s.Hkv(), g = bg % s.Hkv();
        float scale = s.scale();
        long kvBase = (long) bg * T * D;
        Kernels.zero(dk, kvBase, (long) T * D);
        Kernels.zero(dv, kvBase, (long) T * D);
        for (int h = g * s.group(); h < (g + 1) * s.group(); h++) {
            long qBase = ((long) b * H + h) * T * D;
            Kernels.zero(dq, qBase, (long) T * D);
            for (int i = 0; i < T; i++) {
                long qi = qBase + (long) i * D;
                long oi = (((long) b * T + i) * H + h) * D;
                float rowLse = Kernels.get(lse, ((long) b * H + h) * T + i);
                float delta = Kernels.dot(dOut, oi, out, oi, D); // rowsum(P * dP) = dO . O
                for (int j = 0; j <= i; j++) {
                    long kj = kvBase + (long) j * D;
                    float p = (float) Math.exp(Kernels.dot(q, qi, k, kj, D) * scale - rowLse);
                    Kernels.axpy(p, dOut, oi, dv, kj, D);
                    float dp = Kernels.dot(dOut, oi, v, kj, D);
                    float ds = p * (dp - delta) * scale;
                    Kernels.axpy(ds, k, kj, dq, qi, D);
                    Kernels.axpy(ds, q, qi, dk, kj, D);
                }
            }
        }
    }
}
