package dev.qwenomni.codec;

import dev.qwenomni.audio.SpectralLoss;

import java.util.Arrays;

/**
 * Encoding by analysis-by-synthesis, as CELP coders pick their excitation: SNAC's encoder picks each level's code by
 * cosine similarity in code space, which is not what the decoder renders. Here, frame by coarse frame, each of the
 * coarsest level's k most similar codes is tried, the finer levels are re-chosen the usual way on the residual it
 * leaves, and the decoder renders every output sample those codes reach; the candidate whose audio has the least
 * multi-scale log-mel distance to the input wins. Earlier frames keep their winners, later ones their cosine codes.
 * With k = 1 it is the plain encoder. The codes stay the codec's own (same codebooks), so any decoder of them plays
 * them; the cost is k decodes of a window of the decoder's receptive field per coarse frame.
 */
public final class CodeSearch {
    private final SnacCodec codec;
    private final int candidates;
    private final SpectralLoss loss;
    private final NoiseSource noise;

    /** Searches with the decoder's noise drawn from {@code noise}. */
    public CodeSearch(SnacCodec codec, int candidates, NoiseSource noise) {
        if (candidates < 1) throw new IllegalArgumentException("code search needs at least 1 candidate per frame, not " + candidates);
        int[] strides = codec.config.vqStrides();
        for (int s : strides)
            if (strides[0] % s != 0)
                throw new IllegalArgumentException("code search needs every vq stride to divide the first, not " + Arrays.toString(strides));
        this.codec = codec;
        this.noise = noise;
        this.candidates = candidates;
        this.loss = new SpectralLoss(codec.config.samplingRate());
    }

    /** Codes per level (coarse first) for audio already padded by {@link SnacCodec#preprocess}. */
    public int[][] encode(float[] padded) {
        int hop = codec.config.hopLength(), T = padded.length / hop, D = codec.config.latentDim();
        int span = codec.config.vqStrides()[0], levels = codec.quantizers.size();
        float[] z = codec.encodeLatent(padded);
        int[][] codes = codec.quantize(z, T);
        float[] zq = codec.quantizedLatent(codes);
        int[] ctx = codec.decoderContext(); // an output frame reads inputs [f - ctx[0], f + ctx[1]]
        for (int t = 0; t < T / span; t++) {
            int f0 = t * span, f1 = f0 + span;
            float[] zl = slice(z, T, D, f0, f1);
            int[] tried = codec.quantizers.get(0).candidates(zl, span, Math.min(candidates, codec.config.codebookSize()))[0];
            if (tried.length == 1) continue;
            // the output frames these latent frames reach, and the input frames those outputs read
            int o0 = Math.max(0, f0 - ctx[1]), o1 = Math.min(T, f1 + ctx[0]);
            int i0 = Math.max(0, o0 - ctx[0]), i1 = Math.min(T, o1 + ctx[1]);
            float[] target = Arrays.copyOfRange(padded, o0 * hop, o1 * hop);
            float[] window = slice(zq, T, D, i0, i1);
            double bestLoss = Double.POSITIVE_INFINITY;
            int[][] best = null;
            float[] bestLatent = null;
            for (int code : tried) {
                Local local = chain(zl, span, code);
                for (int c = 0; c < D; c++) System.arraycopy(local.latent(), c * span, window, c * (i1 - i0) + f0 - i0, span);
                float[] y = codec.decodeLatent(window.clone(), i1 - i0, i0, noise);
                double l = loss.mel(Arrays.copyOfRange(y, (o0 - i0) * hop, (o1 - i0) * hop), target);
                if (l < bestLoss) { bestLoss = l; best = local.codes(); bestLatent = local.latent(); }
            }
            for (int l = 0; l < levels; l++) {
                int per = span / codec.config.vqStrides()[l];
                System.arraycopy(best[l], 0, codes[l], t * per, per);
            }
            for (int c = 0; c < D; c++) System.arraycopy(bestLatent, c * span, zq, c * T + f0, span);
        }
        return codes;
    }

    /** One coarse frame's codes per level, and the quantized latent they sum to: [latent_dim][span]. */
    private record Local(int[][] codes, float[] latent) {}

    /** The coarse frame's codes with the first level fixed to code and the finer ones chosen on what it leaves. */
    private Local chain(float[] zl, int span, int code) {
        int levels = codec.quantizers.size();
        int[][] codes = new int[levels][];
        float[] residual = zl.clone(), sum = null;
        for (int l = 0; l < levels; l++) {
            VectorQuantizer q = codec.quantizers.get(l);
            codes[l] = l == 0 ? new int[]{code} : q.encode(residual, span);
            float[] zql = q.fromCodes(codes[l]);
            for (int j = 0; j < residual.length; j++) residual[j] -= zql[j];
            if (sum == null) sum = zql.clone();
            else for (int j = 0; j < sum.length; j++) sum[j] += zql[j];
        }
        return new Local(codes, sum);
    }

    /** Frames [a, b) of x [D][T]: [D][b - a]. */
    private static float[] slice(float[] x, int T, int D, int a, int b) {
        float[] s = new float[D * (b - a)];
        for (int c = 0; c < D; c++) System.arraycopy(x, c * T + a, s, c * (b - a), b - a);
        return s;
    }
}
