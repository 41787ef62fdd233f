package dev.qwenomni.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes codes as they arrive. A latent frame is emitted once the frames its samples depend on
 * (the decoder's exact receptive field, {@link SnacCodec#decoderContext()}) are known; each call
 * decodes one window covering the newly emittable frames plus that context. With noise off, or
 * seeded by absolute position, the concatenated output equals {@link SnacCodec#decode} sample for
 * sample. Frames arrive in units of the coarsest code (one code at level 0 and its finer codes).
 *
 * <p>Every window decodes its context again, so decoding one coarse frame at a time would cost
 * (frames + left + right) / frames of the one-shot decode (6x for our codec's 4 + 10 + 10).
 * Windows therefore grow: the first is emitted as soon as any frame is final (time to first
 * audio), and each next one waits for twice as many new frames, up to {@code maxChunk}.
 */
public final class StreamingDecoder {
    private final SnacCodec codec;
    private final NoiseSource noise;
    private final int left, right, hop, latent;
    private final int[] strides;
    private final List<int[]> levels = new ArrayList<>();
    private final int maxChunk;
    private int emitted, chunk = 1;

    /** Up to 32 new latent frames per window: re-decoding our codec's context then costs at most (32 + 20) / 32. */
    public static final int DEFAULT_MAX_CHUNK = 32;

    /** Windows growing to {@link #DEFAULT_MAX_CHUNK} latent frames; the decoder's noise drawn from {@code noise}. */
    public StreamingDecoder(SnacCodec codec, NoiseSource noise) { this(codec, noise, DEFAULT_MAX_CHUNK); }

    /** {@code maxChunk} bounds the new latent frames a window waits for (1 = decode whatever is final at every push). */
    public StreamingDecoder(SnacCodec codec, NoiseSource noise, int maxChunk) {
        this.noise = noise;
        if (maxChunk < 1) throw new IllegalArgumentException("maxChunk must be at least 1 latent frame, got " + maxChunk);
        this.maxChunk = maxChunk;
        if (codec.config.attnWindowSize() != null)
            throw new UnsupportedOperationException("streaming decode of a codec with attention windows (attn_window_size "
                    + codec.config.attnWindowSize() + ") is not supported: decode whole windows with SnacCodec.decode");
        this.codec = codec;
        int[] ctx = codec.decoderContext();
        left = ctx[0];
        right = ctx[1];
        hop = codec.config.hopLength();
        latent = codec.config.latentDim();
        strides = codec.config.vqStrides();
        for (int i = 0; i < strides.length; i++) levels.add(new int[0]);
    }

    public int contextLeft() { return left; }
    public int contextRight() { return right; }

    /** Appends codes (one array per level, lengths in the levels' ratios); returns the audio now final. */
    public float[] push(int[][] codes) {
        if (codes.length != strides.length) throw new IllegalArgumentException("expected " + strides.length + " code levels");
        for (int i = 0; i < codes.length; i++) {
            int[] old = levels.get(i), grown = Arrays.copyOf(old, old.length + codes[i].length);
            System.arraycopy(codes[i], 0, grown, old.length, codes[i].length);
            levels.set(i, grown);
        }
        int ready = known() - right;
        if (ready - emitted < chunk) return new float[0];
        chunk = Math.min(2 * (ready - emitted), maxChunk);
        return emit(ready);
    }

    /** The rest of the audio once no more codes will come. */
    public float[] finish() { return emit(known()); }

    /** Finest-rate frames fully covered by every level so far. */
    private int known() {
        int t = Integer.MAX_VALUE;
        for (int i = 0; i < strides.length; i++) t = Math.min(t, levels.get(i).length * strides[i]);
        return t;
    }

    private float[] emit(int upTo) {
        if (upTo <= emitted) return new float[0];
        int total = known();
        int start = Math.max(0, emitted - left), end = Math.min(total, upTo + right);
        // codes for [start, end): level i needs frames start/s .. ceil(end/s); starts align with the
        // coarsest stride, so window from a multiple of it
        int align = strides[0];
        start = start / align * align;
        int[][] win = new int[strides.length][];
        for (int i = 0; i < strides.length; i++) {
            int s = strides[i];
            win[i] = Arrays.copyOfRange(levels.get(i), start / s, (end + s - 1) / s);
        }
        int T = win[strides.length - 1].length * strides[strides.length - 1];
        float[] z = codec.quantizedLatent(win);
        float[] audio = codec.decodeLatent(z, T, start, noise);
        float[] out = Arrays.copyOfRange(audio, (emitted - start) * hop, (upTo - start) * hop);
        emitted = upTo;
        return out;
    }
}
