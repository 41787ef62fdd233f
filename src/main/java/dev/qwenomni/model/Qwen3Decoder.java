package dev.qwenomni.model;

import dev.qwenomni.model.DecodeAttention.Rows;
import dev.qwenomni.nn.Embedding;
import dev.qwenomni.nn.HeadNormRope;
import dev.qwenomni.nn.Linear;
import dev.qwenomni.nn.RMSNorm;
import dev.qwenomni.nn.Rope;
import dev.qwenomni.nn.SwiGLU;
import dev.qwenomni.tensor.Arena;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;

import static dev.qwenomni.tensor.Tensors.seg;

/**
 * Inference with a KV cache. One method serves prefill and decoding: it runs R token rows, each
 * belonging to a slot (sequence) and taking that slot's next position; each layer first writes
 * every row's key and value into the cache, then lets each row attend to its slot's positions up
 * to its own, so a whole prompt (prefill) and one new token for each of several sequences
 * (a batched decode step) are the same computation. Projections go through ND4J gemm over all
 * rows at once; logits are computed only for the rows asked for.
 */
public final class Qwen3Decoder {
    public final Qwen3Config config;
    private final Qwen3Weights w;
    private final Rope rope;
    public final KvCache cache;
    private final DecodeAttention attention;
    private Buffers buf;

    public Qwen3Decoder(Qwen3Model model, int slots, int maxLen, DecodeAttention.Kind kind) {
        this.config = model.config;
        this.w = model.weights;
        this.rope = new Rope(config.headDim(), config.ropeTheta(), config.maxPositions());
        this.cache = new KvCache(config, slots, maxLen);
        this.attention = kind.create(config, maxLen);
    }

    /** Row buffers for R rows, reallocated only when R grows. */
    private static final class Buffers {
        final int R;
        final INDArray x, ln, rstd, q, k, v, att, h, gate, up, act, headRstd;
        final Rows qRows, attRows;
        INDArray outRows, logits;
        int outCount = -1;

        Buffers(Qwen3Config c, int R) {
            this.R = R;
            int C = c.hiddenSize(), I = c.intermediateSize(), HD = c.numHeads() * c.headDim(), KD = c.numKvHeads() * c.headDim();
            Arena a = new Arena();
            x = a.take(R, C); ln = a.take(R, C); rstd = a.take(R);
            q = a.take(R, HD); k = a.take(R, KD); v = a.take(R, KD); att = a.take(R, HD);
            h = a.take(R, C); gate = a.take(R, I); up = a.take(R, I); act = a.take(R, I);
            headRstd = a.take(1);
            qRows = Rows.of(q);
            attRows = Rows.of(att);
        }
    }

    /**
     * Runs rows: row r is token ids[r] of slot slots[r] (a slot's rows in order). Returns the
     * logits [count of want, vocab] of the rows with want[r] (in row order), or null if none.
     */
    public float[][] forward(int[] slots, int[] ids, boolean[] want) {
        Qwen3Config c = config;
        int R = ids.length, C = c.hiddenSize(), H = c.numHeads(), Hkv = c.numKvHeads(), D = c.headDim();
        if (slots.length != R || want.length != R) throw new IllegalArgumentException("slots, ids and want must have one entry per row");
        float eps = (float) c.rmsNormEps();
        if (buf == null || buf.R < R) buf = new Buffers(c, R);
        Buffers b = buf;
        INDArray x = rows(b.x, R), ln = rows(b.ln, R), q = rows(b.q, R), k = rows(b.k, R), v = rows(b.v, R), att = rows(b.att, R),
                h = rows(b.h, R), gate = rows(b.gate, R), up = rows(b.up, R), act = rows(b.act, R);
        // each row's position: its slot's cache length plus the earlier rows of the slot in this call
        int[] pos = new int[R];
        int[] next = new int[cache.slots];
        for (int r = 0; r < R; r++) {
            int s = slots[r];
            if (s < 0 || s >= cache.slots) throw new IllegalArgumentException("slot " + s + " outside cache of " + cache.slots);
            pos[r] = cache.length(s) + next[s]++;
            if (pos[r] >= cache.maxLen)
                throw new IllegalStateException("slot " + s + " is full: the KV cache holds " + cache.maxLen + " positions");
        }
        MemorySegment qs = seg(q), ks = seg(k), vs = seg(v), hr = seg(b.headRstd);
        Embedding.forward(seg(x), ids, R, w.embed);
        for (int l = 0; l < c.numLayers(); l++) {
            Qwen3Weights.Layer lw = w.layers[l];
            RMSNorm.forward(seg(ln), seg(b.rstd), seg(x), lw.inputNorm(), R, eps);
            linear(q, ln, lw.q(), lw.qBias(), R);
            linear(k, ln, lw.k(), lw.kBias(), R);
            linear(v, ln, lw.v(), lw.vBias(), R);
            for (int r = 0; r < R; r++) {
                for (int hh = 0; hh < H; hh++) {
                    long at = ((long) r * H + hh) * D;
                    HeadNormRope.head(qs, at, qs, at, hr, lw.qNorm(), rope, D, pos[r], eps);
                }
                for (int hh = 0; hh < Hkv; hh++) {
                    long src = ((long) r * Hkv + hh) * D, dst = cache.offset(slots[r], hh, pos[r]);
                    HeadNormRope.head(ks, src, ks, src, hr, lw.kNorm(), rope, D, pos[r], eps);
                    MemorySegment.copy(ks, src * 4, cache.kSeg[l], dst * 4, D * 4L);
                    MemorySegment.copy(vs, src * 4, cache.vSeg[l], dst * 4, D * 4L);
                }
            }
            for (int r = 0; r < R; ) {
                // a run of consecutive rows of one slot (a prompt) attends as a block through gemm;
                // single rows (decode steps) use the decode kernel
                int e = r + 1;
                while (e < R && slots[e] == slots[r] && pos[e] == pos[e - 1] + 1) e++;
                if (e - r >= BLOCK_MIN) blockAttention(b, l, slots[r], r, e - r, pos[r]);
                else for (int i = r; i < e; i++)
                    attention.attend(b.qRows, (long) i * H * D, cache, l, slots[i], pos[i] + 1, b.attRows, (long) i * H * D);
                r = e;
            }
            linear(h, att, lw.o(), lw.oBias(), R);
            Kernels.add(seg(h), seg(h), seg(x), (long) R * C);
            RMSNorm.forward(seg(ln), seg(b.rstd), seg(h), lw.postNorm(), R, eps);
            linear(gate, ln, lw.gate(), null, R);
            linear(up, ln, lw.up(), null, R);
            SwiGLU.forward(seg(act), seg(gate), seg(up), (long) R * c.intermediateSize());
            linear(x, act, lw.down(), null, R);
            Kernels.add(seg(x), seg(x), seg(h), (long) R * C);
        }
        for (int s = 0; s < cache.slots; s++) cache.advance(s, next[s]);

        int n = 0;
        for (boolean wr : want) if (wr) n++;
        if (n == 0) return null;
        if (b.outCount != n) {
            b.outRows = Tensors.zeros(n, C);
            b.logits = Tensors.zeros(n, c.vocabSize());
            b.outCount = n;
        }
        MemorySegment xs = seg(x), os = seg(b.outRows);
        for (int r = 0, i = 0; r < R; r++) if (want[r]) MemorySegment.copy(xs, (long) r * C * 4, os, (long) i++ * C * 4, C * 4L);
        RMSNorm.forward(os, seg(rows(b.rstd, n)), os, w.finalNorm, n, eps);
        linear(b.logits, b.outRows, w.lmHead, null, n);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = b.logits.getRow(i).toFloatVector();
        return out;
    }

    /** Logits of the last prompt token after prefilling a slot (which must be empty or continuing). */
    public float[] prefill(int slot, int[] ids) {
        int[] slots = new int[ids.length];
        java.util.Arrays.fill(slots, slot);
        boolean[] want = new boolean[ids.length];
        want[ids.length - 1] = true;
        return forward(slots, ids, want)[0];
    }

    /** Up to this many rows, projections are our own matrix-vector loops instead of one ND4J gemm. */
    static final int MATVEC_MAX = 4;

    /**
     * out[r] = W in[r] (+ bias). For the few rows of a decode step, ND4J's gemm costs more in
     * call overhead than in arithmetic (a JFR profile of batch-1 decoding was mostly inside its
     * op dispatch), so each output is a Vector API dot product over the contiguous row of W; a
     * row's result is then also independent of how many rows share the call.
     */
    private static void linear(INDArray out, INDArray in, dev.qwenomni.tensor.ParamStore.Param w, dev.qwenomni.tensor.ParamStore.Param bias, int R) {
        if (R > MATVEC_MAX) { Linear.forward(out, in, w, bias); return; }
        int O = (int) w.shape[0], I = (int) w.shape[1];
        MemorySegment o = seg(out), x = seg(in);
        // large matrices are split by output rows over the cores (memory-bound: one core cannot
        // stream the weights fast enough); every output is the same dot product either way
        int chunks = (long) O * I >= PARALLEL_MIN ? 8 : 1;
        java.util.stream.IntStream cs = java.util.stream.IntStream.range(0, chunks);
        (chunks > 1 ? cs.parallel() : cs).forEach(ch -> {
            int from = (int) ((long) O * ch / chunks), to = (int) ((long) O * (ch + 1) / chunks);
            for (int r = 0; r < R; r++)
                for (int j = from; j < to; j++) {
                    float y = Kernels.dot(w.v, (long) j * I, x, (long) r * I, I);
                    Kernels.set(o, (long) r * O + j, bias == null ? y : y + Kernels.get(bias.v, j));
                }
        });
    }

    /** Multiply-adds from which a decode projection is worth splitting across threads. */
    static final long PARALLEL_MIN = 1 << 18;

    /** Runs of at least this many rows use the block (gemm) attention. */
    static final int BLOCK_MIN = 16;
    private INDArray blockQ, blockS, blockO;

    /**
     * Causal attention for n consecutive rows (first row at position p0) of one slot, head by
     * head: Q [n, D] against the slot's cached keys [p0 + n, D] by gemm, a causal softmax per row,
     * then the values by gemm. The same mathematics as the per-row kernel, in bulk.
     */
    private void blockAttention(Buffers b, int layer, int slot, int r0, int n, int p0) {
        Qwen3Config c = config;
        int H = c.numHeads(), D = c.headDim(), group = H / c.numKvHeads(), L = p0 + n;
        if (blockQ == null || blockQ.length() < (long) n * D || blockS.length() < (long) n * L) {
            blockQ = Tensors.zeros((long) n * D);
            blockO = Tensors.zeros((long) n * D);
            blockS = Tensors.zeros((long) n * L);
        }
        MemorySegment qs = b.qRows.seg(), as = b.attRows.seg(), bq = seg(blockQ), bo = seg(blockO), ss = seg(blockS);
        INDArray q = Tensors.view(blockQ, 0, n, D), o = Tensors.view(blockO, 0, n, D), sc = Tensors.view(blockS, 0, n, L);
        float scale = (float) (1 / Math.sqrt(D));
        for (int h = 0; h < H; h++) {
            for (int i = 0; i < n; i++) MemorySegment.copy(qs, (((long) (r0 + i)) * H + h) * D * 4, bq, (long) i * D * 4, D * 4L);
            long base = cache.offset(slot, h / group, 0);
            Tensors.gemm(q, Tensors.view(cache.k[layer], base, L, D), sc, false, true, 1.0, 0.0);
            for (int i = 0; i < n; i++) Kernels.softmaxRow(ss, (long) i * L, p0 + i + 1, L, scale);
            Tensors.gemm(sc, Tensors.view(cache.v[layer], base, L, D), o, false, false, 1.0, 0.0);
            for (int i = 0; i < n; i++) MemorySegment.copy(bo, (long) i * D * 4, as, (((long) (r0 + i)) * H + h) * D * 4, D * 4L);
        }
    }

    /** The first R rows of a row buffer. */
    private static INDArray rows(INDArray a, int R) {
        if (a.size(0) == R) return a;
        return a.rank() == 1 ? Tensors.view(a, 0, R) : Tensors.view(a, 0, R, a.size(1));
    }
}
