package dev.qwenomni.codec;

import dev.qwenomni.codec.Layers.WNConv1d;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;

/**
 * One SNAC quantizer: average-pool by stride, project to codebook_dim (in_proj), pick the code
 * whose L2-normalised row is most cosine-similar to the L2-normalised projection, take the raw
 * codebook row, project back (out_proj) and repeat each frame stride times.
 */
public final class VectorQuantizer {
    final int dim, codebookSize, codebookDim, stride;
    final WNConv1d inProj, outProj;
    final Param codebook;
    private int[] lastCodes;
    private int lastT;

    VectorQuantizer(ParamStore s, String prefix, int dim, int codebookSize, int codebookDim, int stride) {
        this.dim = dim; this.codebookSize = codebookSize; this.codebookDim = codebookDim; this.stride = stride;
        inProj = new WNConv1d(s, prefix + ".in_proj", dim, codebookDim, 1, 1, 0, 1, 1, true);
        outProj = new WNConv1d(s, prefix + ".out_proj", codebookDim, dim, 1, 1, 0, 1, 1, true);
        codebook = s.add(prefix + ".codebook.weight", true, codebookSize, codebookDim);
    }

    /** The in and out projections' conv kernel (see {@link SnacCodec#useConvKernel}). */
    void useConvKernel(dev.qwenomni.nn.ConvKernel kernel) {
        inProj.useConvKernel(kernel);
        outProj.useConvKernel(kernel);
    }

    /** How {@link #encode} picks a code: SNAC's cosine similarity (what training uses), or the least squared distance. */
    public enum CodeChoice { COSINE, EUCLIDEAN }

    private CodeChoice choice = CodeChoice.COSINE;

    /** The rule {@link #encode} picks codes by; the training path always uses cosine similarity, as SNAC does. */
    public void setCodeChoice(CodeChoice c) { this.choice = java.util.Objects.requireNonNull(c); }

    /** Codes for z [dim][T] (T a multiple of stride): T / stride of them. */
    public int[] encode(float[] z, int T) {
        int Tc = T / stride;
        float[] ze = inProj.forward(pool(z, T), Tc);
        return choice == CodeChoice.COSINE ? nearest(ze, Tc) : closest(ze, Tc);
    }

    /** Index of the codebook row at the least squared distance from each column of ze [codebookDim][Tc]. */
    private int[] closest(float[] ze, int Tc) {
        return closestRows(Layers.read(codebook), codebookSize, codebookDim, ze, Tc);
    }

    /** For each column t of cols [dim][n], the index of the row of rows [count][dim] at the least squared distance. */
    static int[] closestRows(float[] rows, int count, int dim, float[] cols, int n) {
        int[] best = new int[n];
        for (int t = 0; t < n; t++) {
            double bestDist = Double.POSITIVE_INFINITY;
            for (int k = 0; k < count; k++) {
                double dist = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = cols[d * n + t] - rows[k * dim + d];
                    dist += diff * diff;
                }
                if (dist < bestDist) { bestDist = dist; best[t] = k; }
            }
        }
        return best;
    }

    float[] pool(float[] z, int T) {
        int Tc = T / stride;
        float[] pooled = new float[dim * Tc];
        for (int c = 0; c < dim; c++)
            for (int t = 0; t < Tc; t++) {
                float s = 0;
                for (int j = 0; j < stride; j++) s += z[c * T + t * stride + j];
                pooled[c * Tc + t] = s / stride;
            }
        return pooled;
    }

    /**
     * The k codes most cosine-similar to each pooled, projected frame of z [dim][T], best first: [T / stride][k]. The first is
     * what {@link #encode} picks under cosine choice; a search over the others ({@link CodeSearch}) asks the decoder.
     */
    public int[][] candidates(float[] z, int T, int k) {
        if (k < 1 || k > codebookSize) throw new IllegalArgumentException("candidates per frame must be 1 to " + codebookSize + ", not " + k);
        int Tc = T / stride;
        float[] ze = inProj.forward(pool(z, T), Tc);
        float[] cbn = normalisedCodebook();
        int[][] out = new int[Tc][];
        double[] sim = new double[codebookSize];
        for (int t = 0; t < Tc; t++) {
            // the same arithmetic as nearest(), so the first candidate is its pick even at a near-tie
            double ss = 0;
            for (int d = 0; d < codebookDim; d++) ss += (double) ze[d * Tc + t] * ze[d * Tc + t];
            double inv = 1 / Math.max(Math.sqrt(ss), 1e-12);
            for (int c = 0; c < codebookSize; c++) {
                double s = 0;
                for (int d = 0; d < codebookDim; d++) s += ze[d * Tc + t] * inv * cbn[c * codebookDim + d];
                sim[c] = s;
            }
            int[] best = new int[k];
            for (int j = 0; j < k; j++) {
                int arg = -1;
                for (int c = 0; c < codebookSize; c++) {
                    boolean taken = false;
                    for (int i = 0; i < j && !taken; i++) taken = best[i] == c;
                    if (!taken && (arg < 0 || sim[c] > sim[arg])) arg = c;
                }
                best[j] = arg;
            }
            out[t] = best;
        }
        return out;
    }

    private float[] normalisedCodebook() {
        float[] cb = Layers.read(codebook);
        float[] cbn = new float[cb.length];
        for (int k = 0; k < codebookSize; k++) {
            double ss = 0;
            for (int d = 0; d < codebookDim; d++) ss += (double) cb[k * codebookDim + d] * cb[k * codebookDim + d];
            double inv = 1 / Math.max(Math.sqrt(ss), 1e-12);
            for (int d = 0; d < codebookDim; d++) cbn[k * codebookDim + d] = (float) (cb[k * codebookDim + d] * inv);
        }
        return cbn;
    }

    /** Index of the codebook row most cosine-similar to each column of ze [codebookDim][Tc]. */
    private int[] nearest(float[] ze, int Tc) {
        float[] cbn = normalisedCodebook();
        int[] codes = new int[Tc];
        for (int t = 0; t < Tc; t++) {
            double ss = 0;
            for (int d = 0; d < codebookDim; d++) ss += (double) ze[d * Tc + t] * ze[d * Tc + t];
            double inv = 1 / Math.max(Math.sqrt(ss), 1e-12);
            int best = 0;
            double bestSim = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < codebookSize; k++) {
                double sim = 0;
                for (int d = 0; d < codebookDim; d++) sim += ze[d * Tc + t] * inv * cbn[k * codebookDim + d];
                if (sim > bestSim) { bestSim = sim; best = k; }
            }
            codes[t] = best;
        }
        return codes;
    }

    // ---------------------------------------------------------------- training path

    private float[] trainZe, trainZq;
    private int[] trainCodes;
    private int trainT;
    private double trainMse;

    /**
     * Training forward: the same code choice as {@link #encode}, then the straight-through
     * estimator (the value is the codebook row, the gradient goes to z_e unchanged), out_proj and
     * repeat. Keeps MSE(z_e, z_q), which is both the commitment and the codebook loss.
     */
    public float[] trainForward(float[] z, int T) {
        return trainForward(z, T, true);
    }

    /** As above; collect = false keeps the encodings out of the re-seed pool (evaluation). */
    public float[] trainForward(float[] z, int T, boolean collect) {
        int Tc = T / stride;
        trainT = T;
        trainZe = inProj.forward(pool(z, T), Tc);
        trainCodes = nearest(trainZe, Tc);
        if (collect) remember(trainZe, Tc);
        float[] cb = Layers.read(codebook);
        trainZq = new float[codebookDim * Tc];
        double se = 0;
        for (int t = 0; t < Tc; t++)
            for (int d = 0; d < codebookDim; d++) {
                float q = cb[trainCodes[t] * codebookDim + d];
                trainZq[d * Tc + t] = q;
                double diff = trainZe[d * Tc + t] - q;
                se += diff * diff;
            }
        trainMse = se / trainZq.length;
        return repeat(outProj.forward(trainZq, Tc), dim, Tc, stride);
    }

    public double lastMse() { return trainMse; }

    /** A uniform sample (reservoir sampling) of the z_e columns seen in training since the last re-seed. */
    static final int RESERVOIR = 4096;
    private float[] pool;
    private long seen;

    private void remember(float[] ze, int Tc) {
        if (pool == null) pool = new float[RESERVOIR * codebookDim];
        for (int t = 0; t < Tc; t++) {
            // the slot is a hash of the column's number, not a draw from a stateful generator, so
            // the pool and its count are the whole state a checkpoint has to keep
            long slot = seen < RESERVOIR ? seen : Long.remainderUnsigned(mix(seen), seen + 1);
            seen++;
            if (slot >= RESERVOIR) continue;
            for (int d = 0; d < codebookDim; d++) pool[(int) slot * codebookDim + d] = ze[d * Tc + t];
        }
    }

    /**
     * Dead-code handling: every code whose usage count is zero gets a fresh row drawn without
     * replacement from the z_e columns sampled since the last call (as codec trainers re-seed
     * unused entries from encodings), so re-seeded rows are as varied as the encodings are.
     * Returns how many were re-seeded.
     */
    public int reseedDead(long[] usage, java.util.Random r) {
        int have = (int) Math.min(seen, RESERVOIR), n = 0;
        if (have == 0) return 0;
        int[] order = new int[have];
        for (int i = 0; i < have; i++) order[i] = i;
        for (int i = have - 1; i > 0; i--) { int j = r.nextInt(i + 1); int x = order[i]; order[i] = order[j]; order[j] = x; }
        for (int k = 0; k < codebookSize; k++) {
            if (usage[k] > 0) continue;
            int src = order[n % have];
            for (int d = 0; d < codebookDim; d++)
                dev.qwenomni.tensor.Kernels.set(codebook.v, (long) k * codebookDim + d, pool[src * codebookDim + d]);
            n++;
        }
        seen = 0;
        return n;
    }
    public int[] lastCodes() { return trainCodes; }

    /** Adds the projections z_e of z [dim][T] to the re-seed pool without a training forward (see {@link CodebookGrowth}). */
    void collect(float[] z, int T) {
        int Tc = T / stride;
        remember(inProj.forward(pool(z, T), Tc), Tc);
    }

    /** SplitMix64's finaliser: a well-spread 64-bit hash of n. */
    private static long mix(long n) {
        long z = (n + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** How many z_e columns the re-seed pool has sampled from since the last re-seed. */
    public long reseedSeen() { return seen; }

    /** The re-seed pool, RESERVOIR x codebook_dim, of which the first min(seen, RESERVOIR) rows are filled. */
    public float[] reseedPool() { return pool == null ? new float[RESERVOIR * codebookDim] : pool.clone(); }

    /** Restores what {@link #reseedSeen} and {@link #reseedPool} saved, so a resumed run re-seeds as an unbroken one would. */
    public void restoreReseedPool(float[] saved, long seenSoFar) {
        if (saved.length != RESERVOIR * codebookDim)
            throw new IllegalArgumentException("re-seed pool of " + saved.length + " floats, expected " + RESERVOIR + " x " + codebookDim);
        if (seenSoFar < 0) throw new IllegalArgumentException("re-seed pool count " + seenSoFar + " is negative");
        pool = saved.clone();
        seen = seenSoFar;
    }

    /**
     * Backward of {@link #trainForward} for loss terms wCommit * MSE(z_e, sg(z_q)) and
     * wCodebook * MSE(sg(z_e), z_q) added to whatever produced dOut; returns dL/dz.
     */
    public float[] trainBackward(float[] dOut, float wCommit, float wCodebook) {
        int Tc = trainT / stride, n = codebookDim * Tc;
        float[] dzq = new float[dim * Tc];
        for (int c = 0; c < dim; c++)
            for (int t = 0; t < trainT; t++) dzq[c * Tc + t / stride] += dOut[c * trainT + t];
        float[] dze = outProj.backward(dzq); // straight-through: d z_q -> d z_e
        float[] dcb = new float[codebookSize * codebookDim];
        for (int t = 0; t < Tc; t++)
            for (int d = 0; d < codebookDim; d++) {
                float diff = trainZe[d * Tc + t] - trainZq[d * Tc + t];
                dze[d * Tc + t] += wCommit * 2 * diff / n;
                dcb[trainCodes[t] * codebookDim + d] -= wCodebook * 2 * diff / n;
            }
        Layers.addGrad(codebook, dcb);
        float[] dPooled = inProj.backward(dze);
        float[] dz = new float[dim * trainT];
        for (int c = 0; c < dim; c++)
            for (int t = 0; t < trainT; t++) dz[c * trainT + t] = dPooled[c * Tc + t / stride] / stride;
        return dz;
    }

    /**
     * This level without its code choice: out_proj(in_proj(pool(z))) repeated, i.e. z_e where the codebook row would be.
     * For measuring what the choice of codes costs ({@link SnacCodec#reconstructUnquantized}).
     */
    public float[] passThrough(float[] z, int T) {
        int Tc = T / stride;
        return repeat(outProj.forward(inProj.forward(pool(z, T), Tc), Tc), dim, Tc, stride);
    }

    /** out_proj(codebook[codes]) repeated stride times: [dim][codes.length * stride]. */
    public float[] fromCodes(int[] codes) {
        int Tc = codes.length;
        float[] cb = Layers.read(codebook);
        float[] zp = new float[codebookDim * Tc];
        for (int t = 0; t < Tc; t++) {
            int k = codes[t];
            if (k < 0 || k >= codebookSize) throw new IllegalArgumentException("code " + k + " at frame " + t + " outside codebook of " + codebookSize);
            for (int d = 0; d < codebookDim; d++) zp[d * Tc + t] = cb[k * codebookDim + d];
        }
        float[] zq = outProj.forward(zp, Tc);
        lastCodes = codes;
        lastT = Tc;
        return repeat(zq, dim, Tc, stride);
    }

    /** Backward of fromCodes: adds out_proj and codebook gradients. */
    public void fromCodesBackward(float[] dy) {
        int Tc = lastT, T = Tc * stride;
        float[] dzq = new float[dim * Tc];
        for (int c = 0; c < dim; c++)
            for (int t = 0; t < T; t++) dzq[c * Tc + t / stride] += dy[c * T + t];
        float[] dzp = outProj.backward(dzq);
        float[] dcb = new float[codebookSize * codebookDim];
        for (int t = 0; t < Tc; t++)
            for (int d = 0; d < codebookDim; d++) dcb[lastCodes[t] * codebookDim + d] += dzp[d * Tc + t];
        Layers.addGrad(codebook, dcb);
    }

    static float[] repeat(float[] x, int C, int T, int s) {
        if (s == 1) return x;
        float[] y = new float[C * T * s];
        for (int c = 0; c < C; c++) for (int t = 0; t < T * s; t++) y[c * T * s + t] = x[c * T + t / s];
        return y;
    }
}
