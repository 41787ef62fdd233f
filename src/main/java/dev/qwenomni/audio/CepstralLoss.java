package dev.qwenomni.audio;


/**
 * A loss on the spectral envelope as speech recognisers and MCD see it: per 10 ms frame, a 25.6 ms Hamming window,
 * mel filterbank power over the speech band, its natural log, and the DCT-II cepstra c1..c12 (c0, the level, left
 * out), with the L1 distance between prediction and target averaged over frames and coefficients. Keeping only the
 * low quefrencies keeps the envelope (formants, spectral tilt) and drops the harmonic fine structure, which the
 * log-mel L1 terms weigh just as much. The filterbank is the usual ASR front end's (40 bands from 133 to 6855 Hz;
 * CMU Sphinx's defaults), computed at the signal's own rate. Log-mel values sit on a floor {@link #FLOOR_DB} under the
 * target's loudest band, so silence counts as silence however faint its noise is. A gain change moves only c0, so
 * level does not enter.
 */
public final class CepstralLoss {
    public static final double LOW_HZ = 133.33, HIGH_HZ = 6855.5;
    public static final int BANDS = 40, CEPSTRA = 12;
    /** Dynamic range kept under the target's loudest band, in dB of power. */
    public static final double FLOOR_DB = 60;

    private final MelFrames bank;
    private final double[][] dct; // [CEPSTRA][BANDS], rows c1..c12, orthonormal scale

    public CepstralLoss(int rate) {
        bank = new MelFrames(rate, 0.0256, BANDS, LOW_HZ, HIGH_HZ);
        dct = new double[CEPSTRA][BANDS];
        for (int c = 1; c <= CEPSTRA; c++)
            for (int m = 0; m < BANDS; m++) dct[c - 1][m] = Math.sqrt(2.0 / BANDS) * Math.cos(Math.PI * c * (m + 0.5) / BANDS);
    }

    /** Frames of {@code n} samples: every hop whose window fits, and at least one (zero-padded). */
    int frames(int n) { return bank.frames(n); }

    /** Mean L1 cepstral distance; adds weight * d(loss)/d(pred) into dPred when it is not null. */
    public double compute(float[] pred, float[] target, float[] dPred, float weight) {
        if (pred.length != target.length)
            throw new IllegalArgumentException("prediction has " + pred.length + " samples, target " + target.length);
        int frames = frames(pred.length);
        double[][] bandT = new double[frames][];
        double peak = 0;
        for (int f = 0; f < frames; f++) {
            bandT[f] = bank.bandPower(bank.spectrum(target, f));
            for (double v : bandT[f]) peak = Math.max(peak, v);
        }
        double floor = Math.max(1e-20, peak * Math.pow(10, -FLOOR_DB / 10));
        double norm = 1.0 / ((double) frames * CEPSTRA), loss = 0;
        for (int f = 0; f < frames; f++) {
            MelFrames.Spectrum xp = bank.spectrum(pred, f);
            double[] bandP = bank.bandPower(xp);
            double[] lp = new double[BANDS], lt = new double[BANDS];
            for (int m = 0; m < BANDS; m++) {
                lp[m] = Math.log(Math.max(bandP[m], floor));
                lt[m] = Math.log(Math.max(bandT[f][m], floor));
            }
            double[] dLog = new double[BANDS];
            boolean any = false;
            for (int c = 0; c < CEPSTRA; c++) {
                double d = 0;
                for (int m = 0; m < BANDS; m++) d += dct[c][m] * (lp[m] - lt[m]);
                loss += Math.abs(d) * norm;
                if (d != 0) {
                    any = true;
                    for (int m = 0; m < BANDS; m++) dLog[m] += Math.signum(d) * norm * dct[c][m];
                }
            }
            if (dPred == null || !any) continue;
            bank.backward(f, xp, bandP, floor, dLog, dPred, weight);
        }
        return loss;
    }
}
