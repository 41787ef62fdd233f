package dev.qwenomni.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A codec with larger codebooks that starts where a trained one stopped: every old code keeps
 * its row, so old codes decode exactly as before, and each new row is an encoding z_e that the
 * level really sees on training audio (drawn without replacement from a uniform sample, as the
 * trainer re-seeds dead codes). The levels are seeded coarse to fine, each from the residual that
 * the already grown levels above it leave, so a new row sits where the old book quantized worst.
 * Training the whole codec on from there ({@code codec train --init}) keeps what the encoder and
 * decoder learned instead of starting from random weights.
 */
public final class CodebookGrowth {
    private CodebookGrowth() {}

    /**
     * What growing did on the clips it was seeded from, per level: the relative quantization error
     * in the level's code space, sum ||z_e - codebook[code]||^2 / sum ||z_e||^2 (z_e = in_proj of the
     * pooled residual, what the code choice sees), with the old and the new books, and the share of
     * the level's picks that went to new codes. The error of the whole latent says little here:
     * SNAC picks codes by cosine, not by distance, and its decoder is trained on what out_proj makes.
     */
    public record Report(double[] errorBefore, double[] errorAfter, double[] newCodeShare) {}

    public record Grown(SnacCodec codec, Report report) {}

    /** The codec with codebook_size newSize, seeded from clips (audio at the codec's rate); src is left as it is. */
    public static Grown grow(SnacCodec src, int newSize, List<float[]> clips, long seed) {
        SnacConfig c = src.config;
        int old = c.codebookSize();
        if (newSize <= old) throw new IllegalArgumentException("codebook_size " + newSize + " is not larger than the codec's " + old + ": growing only");
        if (newSize - old > VectorQuantizer.RESERVOIR)
            throw new IllegalArgumentException("codebook_size " + newSize + " adds " + (newSize - old) + " codes per level; at most "
                    + VectorQuantizer.RESERVOIR + " can be seeded at once (grow in steps)");
        if (clips.isEmpty()) throw new IllegalArgumentException("no clips to seed the new codes from");
        SnacCodec dst = new SnacCodec(c.withCodebookSize(newSize));
        dst.copyWeights(src, name -> !name.endsWith(".codebook.weight"));
        for (int l = 0; l < src.quantizers.size(); l++) {
            float[] rows = Arrays.copyOf(Layers.read(src.quantizers.get(l).codebook), newSize * c.codebookDim());
            Layers.write(dst.quantizers.get(l).codebook, rows); // new rows zero until seeded: cosine 0, no direction
        }

        List<float[]> latents = new ArrayList<>();
        List<Integer> frames = new ArrayList<>();
        for (float[] clip : clips) {
            float[] x = dst.preprocess(clip);
            latents.add(dst.encodeLatent(x));
            frames.add(x.length / c.hopLength());
        }
        List<float[]> residualOld = copies(latents), residualNew = latents; // what each level leaves, with the old and the new books
        int levels = dst.quantizers.size();
        double[] before = new double[levels], after = new double[levels], share = new double[levels];
        Random r = new Random(seed);
        for (int l = 0; l < levels; l++) {
            VectorQuantizer q = dst.quantizers.get(l);
            q.restoreReseedPool(new float[VectorQuantizer.RESERVOIR * q.codebookDim], 0);
            for (int i = 0; i < latents.size(); i++) q.collect(residualNew.get(i), frames.get(i));
            if (q.reseedSeen() < newSize - old)
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "level %d saw %d encodings in the clips, fewer than the %d new codes: give it more audio", l, q.reseedSeen(), newSize - old));
            long[] used = new long[newSize];
            Arrays.fill(used, 0, old, 1);
            q.reseedDead(used, new Random(r.nextLong()));
            long picks = 0, fresh = 0;
            double[] errOld = new double[2], errNew = new double[2];
            for (int i = 0; i < latents.size(); i++) {
                int[] codes = q.encode(residualNew.get(i), frames.get(i));
                addCodeError(q, residualNew.get(i), frames.get(i), codes, errNew);
                subtract(residualNew.get(i), q.fromCodes(codes));
                for (int k : codes) if (k >= old) fresh++;
                picks += codes.length;
                VectorQuantizer p = src.quantizers.get(l);
                int[] oldCodes = p.encode(residualOld.get(i), frames.get(i));
                addCodeError(p, residualOld.get(i), frames.get(i), oldCodes, errOld);
                subtract(residualOld.get(i), p.fromCodes(oldCodes));
            }
            before[l] = errOld[0] / errOld[1];
            after[l] = errNew[0] / errNew[1];
            share[l] = (double) fresh / picks;
        }
        // training starts with empty pools: the seeding encodings are not a re-seed window of the run
        for (VectorQuantizer q : dst.quantizers) q.restoreReseedPool(new float[VectorQuantizer.RESERVOIR * q.codebookDim], 0);
        return new Grown(dst, new Report(before, after, share));
    }

    private static List<float[]> copies(List<float[]> xs) {
        List<float[]> out = new ArrayList<>(xs.size());
        for (float[] x : xs) out.add(x.clone());
        return out;
    }

    private static void subtract(float[] a, float[] b) {
        for (int j = 0; j < a.length; j++) a[j] -= b[j];
    }

    /** Adds sum ||z_e - codebook[code]||^2 to acc[0] and sum ||z_e||^2 to acc[1]. */
    private static void addCodeError(VectorQuantizer q, float[] z, int T, int[] codes, double[] acc) {
        int Tc = T / q.stride, d = q.codebookDim;
        float[] ze = q.inProj.forward(q.pool(z, T), Tc), cb = Layers.read(q.codebook);
        for (int t = 0; t < Tc; t++)
            for (int j = 0; j < d; j++) {
                double e = ze[j * Tc + t], diff = e - cb[codes[t] * d + j];
                acc[0] += diff * diff;
                acc[1] += e * e;
            }
    }
}
