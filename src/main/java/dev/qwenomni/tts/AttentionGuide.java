package dev.qwenomni.tts;

import dev.qwenomni.nn.AttentionLoss;
import dev.qwenomni.tensor.Kernels;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A prior on where speech attends in the text, for a decoder-only model. For every guided query
 * row i (a position inside a clip's audio) the prior over the keys j of that clip's own text is a
 * Gaussian bump K_ij = exp(-((j + 1/2) - c_i)^2 / (2 s_i^2)) around a centre c_i (in keys from the
 * text's start). The penalty of a row is the attention mass off the bump, 1 - sum_j P_ij K_ij
 * (every other key, the audio so far and the prompt tokens included, counts as off), averaged
 * over the guided rows and heads. Two ways to place the bump:
 * <ul>
 * <li>diagonal (DCTTS's guided attention, Tachibana et al. 2017): c_i = progress through the
 *     audio times the text length, s = sigma times the text length; needs no alignment;</li>
 * <li>aligned: c_i = the middle of the phone the teacher was speaking at that audio frame, s a
 *     few keys; needs the teacher's timings.</li>
 * </ul>
 * Why it helps: a small decoder-only TTS model otherwise learns plausible audio long before it
 * learns to look at the right phone, and on a few hours of speech it may never. The guide tells
 * a few heads where to look from the first step; the other heads stay free. It is an auxiliary
 * loss of the TTS task: {@link #on} binds it to one batch as the model's {@link AttentionLoss}.
 */
public final class AttentionGuide {
    public final int heads;
    public final float sigma, spread, weight;

    /**
     * Guides the first {@code heads} query heads of a layer with penalty weight {@code weight};
     * sigma is the diagonal bump's width as a fraction of the text, spread the aligned bump's in keys.
     */
    public AttentionGuide(int heads, double sigma, double spread, double weight) {
        if (heads < 1) throw new IllegalArgumentException("guided heads must be at least 1, got " + heads);
        if (!(sigma > 0)) throw new IllegalArgumentException("guide sigma must be positive, got " + sigma);
        if (!(spread > 0)) throw new IllegalArgumentException("guide spread must be positive, got " + spread);
        this.heads = heads;
        this.sigma = (float) sigma;
        this.spread = (float) spread;
        this.weight = (float) weight;
    }

    /**
     * Per flat position b*T + i: the text span [from, to) of the query's clip (offsets in its row),
     * the bump's centre and width in keys from the span's start (centre NaN: row not guided).
     */
    public record Batch(int[] textFrom, int[] textTo, float[] center, float[] width) {
        public static Batch empty(int n) {
            float[] c = new float[n];
            Arrays.fill(c, Float.NaN);
            return new Batch(new int[n], new int[n], c, new float[n]);
        }

        /**
         * Marks the audio rows of one clip with the diagonal bump: text at [textFrom, textTo),
         * audio tokens at [audioFrom, audioTo), within row b. The queries guided are the one
         * reading start_of_speech (progress 0) through the last audio token (which predicts the stop).
         */
        public void diagonal(int b, int T, int textFrom, int textTo, int audioFrom, int audioTo, float sigma) {
            int n = audioTo - audioFrom, len = textTo - textFrom;
            if (len <= 0 || n <= 0) return;
            for (int k = 0; k <= n; k++) set(b * T + audioFrom - 1 + k, textFrom, textTo, len * k / (float) (n + 1), sigma * len);
        }

        /**
         * Marks them with the aligned bump: the query predicting audio token k (of frame k / 7)
         * looks at frameCenter[k / 7] (keys from textFrom); the one predicting the stop at the last frame's.
         */
        public void aligned(int b, int T, int textFrom, int textTo, int audioFrom, int audioTo, float[] frameCenter,
                            int tokensPerFrame, float spread) {
            int n = audioTo - audioFrom;
            if (textTo <= textFrom || n <= 0) return;
            if (frameCenter.length * tokensPerFrame != n)
                throw new IllegalArgumentException(frameCenter.length + " aligned frames for " + n + " audio tokens");
            for (int k = 0; k <= n; k++)
                set(b * T + audioFrom - 1 + k, textFrom, textTo, frameCenter[Math.min(k, n - 1) / tokensPerFrame], spread);
        }

        private void set(int p, int from, int to, float c, float w) {
            textFrom[p] = from;
            textTo[p] = to;
            center[p] = c;
            width[p] = w;
        }

        public int guidedRows() {
            int c = 0;
            for (float x : center) if (!Float.isNaN(x)) c++;
            return c;
        }
    }

    /** This guide as the loss on one batch's attention (null when the batch guides no row). */
    public AttentionLoss on(Batch batch) {
        if (batch == null || batch.guidedRows() == 0) return null;
        int rows = batch.guidedRows();
        return new AttentionLoss() {
            @Override public int heads() { return heads; }
            @Override public int rows() { return rows; }
            @Override public float weight() { return weight; }

            /** Sum over the guided rows of batch row b of 1 - sum_j P_ij K_ij (the text keys of the row's own clip). */
            @Override
            public double penalty(MemorySegment ps, int b, int T) {
                double sum = 0;
                for (int i = 0; i < T; i++) {
                    int p = b * T + i;
                    float c = batch.center()[p], w = batch.width()[p];
                    if (Float.isNaN(c)) continue;
                    int from = batch.textFrom()[p], len = batch.textTo()[p] - from;
                    double on = 0;
                    for (int j = 0; j < len; j++) on += Kernels.get(ps, (long) i * T + from + j) * prior(j, c, w);
                    sum += 1 - on;
                }
                return sum;
            }

            /** dP_ij -= coef K_ij: the penalty's gradient (its constant part, 1 per row, does not reach the scores). */
            @Override
            public void addGradient(MemorySegment dps, int b, int T, float coef) {
                for (int i = 0; i < T; i++) {
                    int p = b * T + i;
                    float c = batch.center()[p], w = batch.width()[p];
                    if (Float.isNaN(c)) continue;
                    int from = batch.textFrom()[p], len = batch.textTo()[p] - from;
                    for (int j = 0; j < len; j++) {
                        long at = (long) i * T + from + j;
                        Kernels.set(dps, at, Kernels.get(dps, at) - coef * prior(j, c, w));
                    }
                }
            }
        };
    }

    /** The prior K for key j (counted from the text's start) of a bump at centre c with width w. */
    public static float prior(int j, float c, float w) {
        float t = j + 0.5f - c;
        return (float) Math.exp(-t * t / (2 * w * w));
    }
}
