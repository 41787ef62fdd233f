package dev.qwenomni.nn;

import dev.qwenomni.tensor.Kernels;

import java.lang.foreign.MemorySegment;

/**
 * Rotary position embedding, half-split ("rotate_half", GPT-NeoX style): dimension i pairs with
 * i + D/2, inv_freq[i] = theta^(-2i/D). Tables are computed in double once per model.
 */
public final class Rope {
    private final int headDim, half, maxPos;
    private final float[] cos, sin;

    public Rope(int headDim, double theta, int maxPos) {
        if (headDim % 2 != 0) throw new IllegalArgumentException("RoPE needs an even head_dim, got " + headDim);
        this.headDim = headDim;
        this.half = headDim / 2;
        this.maxPos = maxPos;
        cos = new float[maxPos * half];
        sin = new float[maxPos * half];
        for (int p = 0; p < maxPos; p++)
            for (int i = 0; i < half; i++) {
                double invFreq = Math.pow(theta, -2.0 * i / headDim);
                double a = p * invFreq;
                cos[p * half + i] = (float) Math.cos(a);
                sin[p * half + i] = (float) Math.sin(a);
            }
    }

    public int headDim() { return headDim; }
    public int maxPositions() { return maxPos; }

    /** Rotates x[o .. o+D) in place for position pos; inverse = rotate by -angle (the backward). */
    public void rotate(MemorySegment x, long o, int pos, boolean inverse) {
        if (pos >= maxPos) throw new IllegalArgumentException("position " + pos + " beyond RoPE table of " + maxPos);
        int base = pos * half;
        for (int i = 0; i < half; i++) {
            float c = cos[base + i], s = inverse ? -sin[base + i] : sin[base + i];
            float a = Kernels.get(x, o + i), b = Kernels.get(x, o + i + half);
            Kernels.set(x, o + i, a * c - b * s);
            Kernels.set(x, o + i + half, b * c + a * s);
        }
    }
}
