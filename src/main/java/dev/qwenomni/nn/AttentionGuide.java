package dev.qwenomni.nn;

import java.util.Arrays;

/**
 * A diagonal prior on where speech attends in the text (DCTTS's guided attention, Tachibana et
 * al. 2017), for a decoder-only model. For every guided query row i (a position inside a clip's
 * audio) at progress n_i in [0, 1] through the audio, and the keys j of that clip's own text at
 * progress t_j, the prior is K_ij = exp(-(t_j - n_i)^2 / (2 sigma^2)). The penalty of a row is the
 * attention mass off the diagonal, 1 - sum_j P_ij K_ij (every other key, the audio so far and
 * the prompt tokens included, counts as off), averaged over the guided rows and heads.
 * <p>
 * Why it helps: a small decoder-only TTS model otherwise learns plausible audio long before it
 * learns to look at the right phoneme, and on a few hours of speech it may never. The guide
 * tells a few heads where to look from the first step; the other heads stay free.
 * <p>
 * One Batch describes the packed (B, T) batch: per flat position, the text span [from, to) of
 * the query's own clip and its audio progress (NaN where the row is not guided).
 */
public final class AttentionGuide {
    public final int heads;
    public final float sigma, weight;

    /** Guides the first {@code heads} query heads of a layer with penalty weight {@code weight}. */
    public AttentionGuide(int heads, double sigma, double weight) {
        if (heads < 1) throw new IllegalArgumentException("guided heads must be at least 1, got " + heads);
        if (!(sigma > 0)) throw new IllegalArgumentException("guide sigma must be positive, got " + sigma);
        this.heads = heads;
        this.sigma = (float) sigma;
        this.weight = (float) weight;
    }

    /** Per flat position b*T + i: the text span of the query's clip (offsets in its row) and its audio progress (NaN: not guided). */
    public record Batch(int[] textFrom, int[] textTo, float[] progress) {
        public static Batch empty(int n) {
            int[] f = new int[n], t = new int[n];
            float[] p = new float[n];
            Arrays.fill(p, Float.NaN);
            return new Batch(f, t, p);
        }

        /**
         * Marks the audio rows of one clip: text at [textFrom, textTo), audio tokens at
         * [audioFrom, audioTo), all within row b (offsets inside the row). The queries guided are
         * the one reading start_of_speech (progress 0) through the last audio token.
         */
        public void clip(int b, int T, int textFrom, int textTo, int audioFrom, int audioTo) {
            int n = audioTo - audioFrom;
            if (textTo <= textFrom || n <= 0) return;
            for (int i = audioFrom - 1; i < audioTo; i++) {
                int p = b * T + i;
                this.textFrom[p] = textFrom;
                this.textTo[p] = textTo;
                progress[p] = (i - audioFrom + 1) / (float) (n + 1);
            }
        }

        public int guidedRows() {
            int c = 0;
            for (float x : progress) if (!Float.isNaN(x)) c++;
            return c;
        }
    }

    /** The prior K for key j of a text span of length len, at query progress n. */
    public float prior(int j, int len, float n) {
        float t = (j + 0.5f) / len - n;
        return (float) Math.exp(-t * t / (2 * sigma * sigma));
    }
}
