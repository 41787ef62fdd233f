package dev.qwenomni.codec;

/**
 * Which code of one codec means most nearly what a code of another means, level by level. A code's
 * meaning is what it adds to the latent the decoder reads: out_proj of its codebook row. Two codecs of
 * one lineage (one trained on from the other, or grown from it) decode nearby latents alike, so a
 * model that learned the old codes can start the new ones from their nearest old ones instead of
 * from nothing.
 */
public final class CodeCorrespondence {
    private CodeCorrespondence() {}

    /**
     * For each level l and each code j of {@code to}, the code of {@code from} at level l whose latent
     * contribution is at the least squared distance from that of j. The codecs must have as many
     * levels and the same latent width; their codebook sizes may differ.
     */
    public static int[][] nearest(SnacCodec from, SnacCodec to) {
        int levels = from.quantizers.size();
        if (to.quantizers.size() != levels)
            throw new IllegalArgumentException("codecs with " + levels + " and " + to.quantizers.size() + " quantizer levels have no code correspondence");
        if (from.config.latentDim() != to.config.latentDim())
            throw new IllegalArgumentException("codecs with latent widths " + from.config.latentDim() + " and " + to.config.latentDim()
                    + " have no code correspondence");
        int[][] map = new int[levels][];
        for (int l = 0; l < levels; l++) map[l] = nearest(latents(from.quantizers.get(l)), latents(to.quantizers.get(l)), from.config.latentDim());
        return map;
    }

    /** Every code's latent contribution, [dim][codebookSize]: the codebook rows as the columns out_proj reads. */
    static float[] latents(VectorQuantizer q) {
        float[] cb = Layers.read(q.codebook);
        int n = q.codebookSize, d = q.codebookDim;
        float[] columns = new float[d * n];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < d; i++) columns[i * n + k] = cb[k * d + i];
        return q.outProj.forward(columns, n);
    }

    private static int[] nearest(float[] fromCols, float[] toCols, int dim) {
        int nFrom = fromCols.length / dim, nTo = toCols.length / dim;
        // the old codes as rows [nFrom][dim], so each is contiguous
        float[] rows = new float[nFrom * dim];
        for (int i = 0; i < dim; i++)
            for (int k = 0; k < nFrom; k++) rows[k * dim + i] = fromCols[i * nFrom + k];
        return VectorQuantizer.closestRows(rows, nFrom, dim, toCols, nTo);
    }
}
