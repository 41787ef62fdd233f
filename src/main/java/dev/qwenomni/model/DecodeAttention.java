package dev.qwenomni.model;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * Decode-time attention: one query row (all heads) of one sequence against the first len
 * positions of its KV cache, causal by construction. A kernel variant of its own, separate from
 * the training kernels, because its shape (a handful of query rows, a long cache) is different.
 */
public interface DecodeAttention {

    /**
     * out[outOff .. + H*D) = attention of q[qOff .. + H*D) over positions [0, len) of the slot.
     * q and out are flat dense buffers (the decoder's row buffers).
     */
    void attend(Rows q, long qOff, KvCache cache, int layer, int slot, int len, Rows out, long outOff);

    /** A flat buffer as both an ND4J array (for gemm views) and a memory segment (for Vector API loops). */
    record Rows(INDArray array, MemorySegment seg) {
        public static Rows of(INDArray a) { return new Rows(a, Tensors.seg(a)); }
    }

    enum Kind {
        /** Per head: Vector API dot products into a score row, softmax, then weighted sums of v rows. */
        SCAN,
        /** Per kv head: the query heads of its group as one [group, D] matrix, scores and output by ND4J gemm. */
        GEMM;

        public DecodeAttention create(Qwen3Config c, int maxLen) {
            return switch (this) {
                case SCAN -> new Scan(c, maxLen);
                case GEMM -> new Gemm(c, maxLen);
            };
        }

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown decode attention kernel '" + s + "' (choose scan or gemm)");
            }
        }
    }

    final class Scan implements DecodeAttention {
        private final int H, group, D;
        private final float scale;
        // the array is kept, not just its segment: ND4J frees the memory when the array is collected
        private final INDArray scoreArray;
        private final MemorySegment scores;

        Scan(Qwen3Config c, int maxLen) {
            H = c.numHeads();
            group = c.numHeads() / c.numKvHeads();
            D = c.headDim();
            scale = (float) (1 / Math.sqrt(D));
            scoreArray = Tensors.zeros(maxLen);
            scores = Tensors.seg(scoreArray);
        }

        @Override
        public void attend(Rows qRows, long qOff, KvCache cache, int layer, int slot, int len, Rows outRows, long outOff) {
            MemorySegment q = qRows.seg(), out = outRows.seg();
            MemorySegment ks = cache.kSeg[layer], vs = cache.vSeg[layer];
            for (int h = 0; h < H; h++) {
                int kvh = h / group;
                long base = cache.offset(slot, kvh, 0), qo = qOff + (long) h * D, oo = outOff + (long) h * D;
                for (int j = 0; j < len; j++) Kernels.set(scores, j, Kernels.dot(q, qo, ks, base + (long) j * D, D));
                Kernels.softmaxRow(scores, 0, len, len, scale);
                Kernels.zero(out, oo, D);
                for (int j = 0; j < len; j++) Kernels.axpy(Kernels.get(scores, j), vs, base + (long) j * D, out, oo, D);
            }
        }
    }

    final class Gemm implements DecodeAttention {
        private final int Hkv, group, D;
        private final float scale;
        private final INDArray scores;
        private final MemorySegment scoreSeg;

        Gemm(Qwen3Config c, int maxLen) {
            Hkv = c.numKvHeads();
            group = c.numHeads() / c.numKvHeads();
            D = c.headDim();
            scale = (float) (1 / Math.sqrt(D));
            scores = Tensors.zeros((long) group * maxLen);
            scoreSeg = Tensors.seg(scores);
        }

        @Override
        public void attend(Rows q, long qOff, KvCache cache, int layer, int slot, int len, Rows out, long outOff) {
            INDArray s = Tensors.view(scores, 0, group, len);
            for (int kvh = 0; kvh < Hkv; kvh++) {
                long base = cache.offset(slot, kvh, 0), heads = (long) kvh * group * D;
                INDArray qg = Tensors.view(q.array(), qOff + heads, group, D);
                INDArray kk = Tensors.view(cache.k[layer], base, len, D), vv = Tensors.view(cache.v[layer], base, len, D);
                Tensors.gemm(qg, kk, s, false, true, 1.0, 0.0);
                for (int g = 0; g < group; g++) Kernels.softmaxRow(scoreSeg, (long) g * len, len, len, scale);
                Tensors.gemm(s, vv, Tensors.view(out.array(), outOff + heads, group, D), false, false, 1.0, 0.0);
            }
        }
    }
}
