package dev.qwenomni.model;

import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;

/**
 * Keys and values of every layer for a fixed number of sequences ("slots"), after q/k norm and
 * RoPE, laid out [slot, kv head, position, head dim] per layer so one head's rows are contiguous
 * for the decode-time attention kernels. Allocated once at its maximum length.
 */
public final class KvCache {
    public final int slots, maxLen, layers, kvHeads, headDim;
    final INDArray[] k, v;
    final MemorySegment[] kSeg, vSeg;
    private final int[] length;

    public KvCache(Qwen3Config c, int slots, int maxLen) {
        if (maxLen > c.maxPositions())
            throw new IllegalArgumentException("KV cache of " + maxLen + " positions exceeds max_position_embeddings " + c.maxPositions());
        this.slots = slots;
        this.maxLen = maxLen;
        this.layers = c.numLayers();
        this.kvHeads = c.numKvHeads();
        this.headDim = c.headDim();
        k = new INDArray[layers];
        v = new INDArray[layers];
        kSeg = new MemorySegment[layers];
        vSeg = new MemorySegment[layers];
        for (int l = 0; l < layers; l++) {
            k[l] = Tensors.zeros((long) slots * kvHeads * maxLen * headDim);
            v[l] = Tensors.zeros((long) slots * kvHeads * maxLen * headDim);
            kSeg[l] = Tensors.seg(k[l]);
            vSeg[l] = Tensors.seg(v[l]);
        }
        length = new int[slots];
    }

    /** Positions filled in a slot. */
    public int length(int slot) { return length[slot]; }

    /** Forgets a slot's sequence (the next token written goes to position 0). */
    public void reset(int slot) { length[slot] = 0; }

    /** Keeps a slot's first n positions (n <= its length): the next token is written at position n. */
    public void truncate(int slot, int n) {
        if (n < 0 || n > length[slot]) throw new IllegalArgumentException("cannot truncate slot " + slot + " of length " + length[slot] + " to " + n);
        length[slot] = n;
    }

    void advance(int slot, int n) { length[slot] += n; }

    /** Element offset of (slot, kv head, position) in a layer's k or v buffer. */
    long offset(int slot, int head, int pos) {
        return (((long) slot * kvHeads + head) * maxLen + pos) * headDim;
    }
}
