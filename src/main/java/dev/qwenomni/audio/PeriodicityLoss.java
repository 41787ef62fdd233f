package dev.qwenomni.audio;

/**
 * A loss on the voice source that spectral distances miss: the prediction should be as periodic as the target, no
 * less where the target is voiced and no more where it is not. Per voiced target frame (from {@link PitchTracker}) it
 * compares the normalised cross-correlation of a stretch of about two periods with the stretch one period later,
 * r = a.b / sqrt(a.a b.b), and charges max(0, r_target - r_pred); per sounding but unvoiced target frame that the
 * prediction voices, it charges max(0, r_pred - r_target) at the prediction's own period, so the term cannot be
 * met by voicing everything (a fricative stays noise). The prediction may take any lag within
 * {@link #LAG_TOLERANCE} of the target's period, so it is asked to be periodic,
 * not to hit the target's pitch exactly, which its codes do not fix. The same is done on the first difference of both
 * signals, which weighs each harmonic by its frequency: the upper harmonics are the ones a mel-trained decoder turns
 * into noise, and the plain signal's correlation is ruled by the lowest ones. Amplitude cancels out, so it does not
 * pull against the loudness the spectral terms set.
 */
public final class PeriodicityLoss {
    /** How far (relative) the prediction's period may stray from the target's: about a semitone. */
    public static final double LAG_TOLERANCE = 0.06;
    /** Stretches shorter than this many samples (or quieter than {@link #MIN_ENERGY} per sample) are skipped. */
    static final int MIN_STRETCH = 64;
    static final double MIN_ENERGY = 1e-8;

    private final PitchTracker tracker;

    public PeriodicityLoss(int rate) { this.tracker = new PitchTracker(rate); }

    /** Mean hinge over the scored frames and the two bands, and how many frames it averaged. */
    public record Value(double loss, int frames) {}

    /**
     * The loss of pred against target; adds weight * d(loss)/d(pred) into dPred when it is not null. Neither pitch
     * track carries gradient: they only pick the frames and the lags.
     */
    public Value compute(float[] pred, float[] target, float[] dPred, float weight) {
        if (pred.length != target.length)
            throw new IllegalArgumentException("prediction has " + pred.length + " samples, target " + target.length);
        PitchTracker.Track track = tracker.track(target), predTrack = null;
        int n = pred.length;
        // every scored frame must hold the longest stretch and lag, so all frames are judged on the same span
        double longest = tracker.rate() / PitchTracker.MIN_F0;
        // (+ a few samples: the tracker's parabolic refinement may put a period a little past its longest lag)
        int halfSpan = (int) Math.round(longest) + 2, reach = halfSpan + (int) Math.ceil(longest * (1 + LAG_TOLERANCE)) + 2;
        double[] p = toDouble(pred), t = toDouble(target), dp = difference(p), dt = difference(t);
        double[] gPlain = new double[n], gDiff = new double[n];
        double total = 0;
        int frames = 0;
        for (int f = 0; f < track.frames(); f++) {
            int centre = f * tracker.hop();
            if (!track.sounding()[f] || Double.isNaN(track.f0()[f]) || centre - halfSpan < 1 || centre + reach >= n) continue;
            frames++;
            double period;
            double sign; // -1: charge rt - rp (the target is voiced); +1: charge rp - rt (it is not, and pred is)
            if (track.voiced()[f]) {
                period = tracker.rate() / track.f0()[f];
                sign = -1;
            } else {
                if (predTrack == null) predTrack = tracker.track(pred);
                if (!predTrack.voiced()[f]) continue;
                period = tracker.rate() / predTrack.f0()[f];
                sign = 1;
            }
            int len = (int) Math.round(2 * period), start = centre - len / 2;
            if (len < MIN_STRETCH) continue;
            double frameLoss = 0;
            for (int band = 0; band < 2; band++) {
                double[] xs = band == 0 ? p : dp, ts = band == 0 ? t : dt, g = band == 0 ? gPlain : gDiff;
                int kt = bestLag(ts, start, len, period), kp = bestLag(xs, start, len, period);
                if (kt < 0 || kp < 0) continue;
                double rt = correlation(ts, start, len, kt, null, 0), rp = correlation(xs, start, len, kp, null, 0);
                if (sign * (rp - rt) <= 0) continue;
                frameLoss += sign * (rp - rt);
                // through the prediction's best lag only: the lag is at a maximum, so no term runs through it
                correlation(xs, start, len, kp, g, sign);
            }
            total += frameLoss / 2;
        }
        if (frames == 0) return new Value(0, 0);
        if (dPred != null) {
            double s = weight / (2.0 * frames);
            // the difference band: d[i] = x[i] - x[i-1], so dx[i] += gd[i] - gd[i+1]
            for (int i = 0; i < n; i++) {
                double g = gPlain[i] + gDiff[i] - (i + 1 < n ? gDiff[i + 1] : 0);
                dPred[i] += (float) (s * g);
            }
        }
        return new Value(total / frames, frames);
    }

    /**
     * The whole lag, within the tolerance of period, at which x[start, start+len) correlates best with the stretch
     * that many samples later; -1 when a stretch is silent. Whole lags keep the gradient exact: the chosen lag does not
     * move with x, except where two tie.
     */
    static int bestLag(double[] x, int start, int len, double period) {
        int lo = Math.max(1, (int) Math.floor(period * (1 - LAG_TOLERANCE))), hi = (int) Math.ceil(period * (1 + LAG_TOLERANCE));
        int bestK = -1;
        double bestR = Double.NEGATIVE_INFINITY;
        for (int k = lo; k <= hi; k++) {
            double r = correlation(x, start, len, k, null, 0);
            if (Double.isNaN(r)) return -1;
            if (r > bestR) { bestR = r; bestK = k; }
        }
        return bestK;
    }

    /** r = a.b / sqrt(a.a b.b), a = x[start + i], b = x[start + i + lag]; NaN when either is silent. Adds sign * dr/dx into grad. */
    static double correlation(double[] x, int start, int len, int lag, double[] grad, double sign) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < len; i++) {
            double a = x[start + i], b = x[start + i + lag];
            ab += a * b;
            aa += a * a;
            bb += b * b;
        }
        if (aa < MIN_ENERGY * len || bb < MIN_ENERGY * len) return Double.NaN;
        double norm = Math.sqrt(aa * bb), r = ab / norm;
        if (grad != null) {
            for (int i = 0; i < len; i++) {
                double a = x[start + i], b = x[start + i + lag];
                grad[start + i] += sign * (b / norm - r * a / aa);
                grad[start + i + lag] += sign * (a / norm - r * b / bb);
            }
        }
        return r;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** d[i] = x[i] - x[i-1], d[0] = x[0]. */
    private static double[] difference(double[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i] - (i > 0 ? x[i - 1] : 0);
        return d;
    }
}
