package dev.qwenomni.audio;


import java.util.Arrays;
import java.util.Objects;

/**
 * The distance between two renderings as a CMU Sphinx recogniser measures it. Its front end: pre-emphasis, 25.625 ms
 * Hamming frames every 10 ms, a mel filterbank over the speech band, the natural log, the orthonormal DCT-II cepstra
 * c0..c12, a sinusoidal lifter, mean subtraction over the utterance (CMN), then deltas (c[t+2] - c[t-2]) and
 * delta-deltas (d[t+1] - d[t-1]): 39 features per frame. Its acoustic model scores them with diagonal Gaussians, so an
 * error counts in units of each feature's standard deviation there; this loss is the mean over frames and features of
 * |prediction - target| / sigma, with sigma the model's own (its Gaussians' mean variance per feature,
 * {@link dev.qwenomni.audio.SphinxFrontEnd}). Unlike {@link CepstralLoss} (raw c1..c12, equal weights), the higher
 * cepstra then count about three times as much as c1, two thirds of the features are dynamic, and a constant
 * envelope offset, which CMN removes, costs nothing. Log energies sit on a floor {@link CepstralLoss#FLOOR_DB} under
 * the target's loudest band, as there.
 */
public final class RecogniserFeatureLoss {
    public static final double PRE_EMPHASIS = 0.97, WINDOW_SECONDS = 0.025625;
    public static final int CEPSTRA = 13, FEATURES = 3 * CEPSTRA;

    /**
     * A recogniser's front end: its filterbank (bands from lowHz to highHz), its lifter length (0: none) and the
     * standard deviation of each of its 39 features (statics c0..c12, then their deltas, then delta-deltas).
     */
    public record FrontEnd(double lowHz, double highHz, int bands, int lifter, double[] sigma) {
        public FrontEnd {
            if (!(lowHz >= 0 && lowHz < highHz)) throw new IllegalArgumentException("filterbank band " + lowHz + "-" + highHz + " Hz is empty");
            if (bands <= CEPSTRA) throw new IllegalArgumentException(bands + " filterbank bands cannot give " + CEPSTRA + " cepstra");
            if (lifter < 0) throw new IllegalArgumentException("lifter " + lifter + " is negative");
            if (sigma.length != FEATURES) throw new IllegalArgumentException(sigma.length + " feature deviations, not " + FEATURES);
            for (int i = 0; i < FEATURES; i++)
                if (!(sigma[i] > 0 && Double.isFinite(sigma[i])))
                    throw new IllegalArgumentException("feature " + i + " has deviation " + sigma[i] + "; every one must be positive");
            sigma = sigma.clone();
        }

        /** The lifter weight of cepstrum n: 1 + (L/2) sin(pi n / L), Sphinx's. */
        public double lifterWeight(int n) { return lifter == 0 ? 1 : 1 + lifter / 2.0 * Math.sin(Math.PI * n / lifter); }

        @Override public double[] sigma() { return sigma.clone(); }
        @Override public boolean equals(Object o) {
            return o instanceof FrontEnd f && f.lowHz == lowHz && f.highHz == highHz && f.bands == bands && f.lifter == lifter
                    && Arrays.equals(f.sigma, sigma);
        }
        @Override public int hashCode() { return Objects.hash(lowHz, highHz, bands, lifter, Arrays.hashCode(sigma)); }
    }

    private final FrontEnd frontEnd;
    private final MelFrames bank;
    private final double[][] cepstra; // [CEPSTRA][bands]: lifter weight x orthonormal DCT-II row
    private final double[] inverseSigma;

    public RecogniserFeatureLoss(int rate, FrontEnd frontEnd) {
        if (frontEnd.highHz() > rate / 2.0)
            throw new IllegalArgumentException("the recogniser's band reaches " + frontEnd.highHz() + " Hz, past " + rate / 2.0 + " Hz at " + rate + " Hz");
        this.frontEnd = frontEnd;
        int n = frontEnd.bands();
        bank = new MelFrames(rate, WINDOW_SECONDS, n, frontEnd.lowHz(), frontEnd.highHz());
        cepstra = new double[CEPSTRA][n];
        for (int c = 0; c < CEPSTRA; c++)
            for (int m = 0; m < n; m++)
                cepstra[c][m] = frontEnd.lifterWeight(c) * Math.sqrt((c == 0 ? 1.0 : 2.0) / n) * Math.cos(Math.PI * c * (m + 0.5) / n);
        inverseSigma = new double[FEATURES];
        double[] s = frontEnd.sigma();
        for (int i = 0; i < FEATURES; i++) inverseSigma[i] = 1 / s[i];
    }

    public FrontEnd frontEnd() { return frontEnd; }

    /**
     * Mean over frames and the 39 features of |prediction - target| in the recogniser's deviations (statics, deltas and
     * delta-deltas each averaged over the frames that have them); adds weight * d(loss)/d(pred) into dPred when it is
     * not null.
     */
    public double compute(float[] pred, float[] target, float[] dPred, float weight) {
        if (pred.length != target.length)
            throw new IllegalArgumentException("prediction has " + pred.length + " samples, target " + target.length);
        float[] p = preEmphasis(pred), t = preEmphasis(target);
        int frames = bank.frames(p.length), n = frontEnd.bands();
        double[][] bandT = new double[frames][];
        double peak = 0;
        for (int f = 0; f < frames; f++) {
            bandT[f] = bank.bandPower(bank.spectrum(t, f));
            for (double v : bandT[f]) peak = Math.max(peak, v);
        }
        double floor = Math.max(1e-20, peak * Math.pow(10, -CepstralLoss.FLOOR_DB / 10));
        MelFrames.Spectrum[] specP = new MelFrames.Spectrum[frames];
        double[][] bandP = new double[frames][], diff = new double[frames][CEPSTRA];
        for (int f = 0; f < frames; f++) {
            specP[f] = bank.spectrum(p, f);
            bandP[f] = bank.bandPower(specP[f]);
            for (int m = 0; m < n; m++) {
                double d = Math.log(Math.max(bandP[f][m], floor)) - Math.log(Math.max(bandT[f][m], floor));
                for (int c = 0; c < CEPSTRA; c++) diff[f][c] += cepstra[c][m] * d;
            }
        }
        double[][] grad = dPred == null ? null : new double[frames][CEPSTRA];
        double loss = statics(diff, grad) + dynamic(diff, grad, 1, DELTA) + dynamic(diff, grad, 2, DELTA_DELTA);
        if (dPred == null) return loss;
        float[] dEmphasised = new float[p.length];
        for (int f = 0; f < frames; f++) {
            double[] dLog = new double[n];
            boolean any = false;
            for (int c = 0; c < CEPSTRA; c++) {
                if (grad[f][c] == 0) continue;
                any = true;
                for (int m = 0; m < n; m++) dLog[m] += cepstra[c][m] * grad[f][c];
            }
            if (any) bank.backward(f, specP[f], bandP[f], floor, dLog, dEmphasised, weight);
        }
        // y[i] = x[i] - a x[i-1], so dx[i] = dy[i] - a dy[i+1]
        for (int i = 0; i < p.length; i++)
            dPred[i] += (float) (dEmphasised[i] - (i + 1 < p.length ? PRE_EMPHASIS * dEmphasised[i + 1] : 0));
        return loss;
    }

    /** Statics after CMN: the mean difference over the frames is subtracted, so a constant offset costs nothing. */
    private double statics(double[][] diff, double[][] grad) {
        int frames = diff.length;
        double norm = 1.0 / ((double) frames * FEATURES), loss = 0;
        for (int c = 0; c < CEPSTRA; c++) {
            double mean = 0;
            for (double[] d : diff) mean += d[c] / frames;
            double gMean = 0;
            double[] g = new double[frames];
            for (int f = 0; f < frames; f++) {
                double e = diff[f][c] - mean;
                loss += Math.abs(e) * inverseSigma[c] * norm;
                g[f] = Math.signum(e) * inverseSigma[c] * norm;
                gMean += g[f] / frames;
            }
            if (grad != null) for (int f = 0; f < frames; f++) grad[f][c] += g[f] - gMean;
        }
        return loss;
    }

    /**
     * A dynamic feature as taps on the cepstra: Sphinx's delta d[t] = c[t+2] - c[t-2], and its delta-delta
     * dd[t] = d[t+1] - d[t-1] = c[t+3] - c[t-1] - c[t+1] + c[t-3].
     */
    private record Taps(int[] at, double[] sign) {
        int reach() { return java.util.Arrays.stream(at).map(Math::abs).max().orElse(0); }
    }
    private static final Taps DELTA = new Taps(new int[]{2, -2}, new double[]{1, -1}),
            DELTA_DELTA = new Taps(new int[]{3, -1, 1, -3}, new double[]{1, -1, -1, 1});

    /** The L1 of one dynamic stream (1: deltas, 2: delta-deltas), over the frames whose taps all fall inside. */
    private double dynamic(double[][] diff, double[][] grad, int stream, Taps taps) {
        int reach = taps.reach(), frames = diff.length, count = frames - 2 * reach;
        if (count <= 0) return 0;
        double norm = 1.0 / ((double) count * FEATURES), loss = 0;
        for (int f = reach; f < frames - reach; f++)
            for (int c = 0; c < CEPSTRA; c++) {
                double e = 0, w = inverseSigma[stream * CEPSTRA + c] * norm;
                for (int k = 0; k < taps.at().length; k++) e += taps.sign()[k] * diff[f + taps.at()[k]][c];
                loss += Math.abs(e) * w;
                if (grad == null || e == 0) continue;
                double g = Math.signum(e) * w;
                for (int k = 0; k < taps.at().length; k++) grad[f + taps.at()[k]][c] += taps.sign()[k] * g;
            }
        return loss;
    }

    private static float[] preEmphasis(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) (x[i] - (i > 0 ? PRE_EMPHASIS * x[i - 1] : 0));
        return y;
    }
}
