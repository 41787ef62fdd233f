package dev.qwenomni.audio;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

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

    private final int window, hop, nfft;
    private final double[] hamming;
    private final double[][] filters;
    private final int[][] support;
    private final double[][] dct; // [CEPSTRA][BANDS], rows c1..c12, orthonormal scale
    private final FastFourierTransformer fft = new FastFourierTransformer(DftNormalization.STANDARD);

    public CepstralLoss(int rate) {
        window = (int) Math.round(0.0256 * rate);
        hop = rate / 100;
        nfft = Integer.highestOneBit(window - 1) << 1;
        hamming = new double[window];
        for (int i = 0; i < window; i++) hamming[i] = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (window - 1));
        filters = MelCepstrum.melFilters(rate, nfft, BANDS, LOW_HZ, HIGH_HZ);
        support = MelCepstrum.support(filters);
        dct = new double[CEPSTRA][BANDS];
        for (int c = 1; c <= CEPSTRA; c++)
            for (int m = 0; m < BANDS; m++) dct[c - 1][m] = Math.sqrt(2.0 / BANDS) * Math.cos(Math.PI * c * (m + 0.5) / BANDS);
    }

    /** Frames of {@code n} samples: every hop whose window fits, and at least one (zero-padded). */
    int frames(int n) { return Math.max(1, 1 + (n - window) / hop); }

    /** Mean L1 cepstral distance; adds weight * d(loss)/d(pred) into dPred when it is not null. */
    public double compute(float[] pred, float[] target, float[] dPred, float weight) {
        if (pred.length != target.length)
            throw new IllegalArgumentException("prediction has " + pred.length + " samples, target " + target.length);
        int frames = frames(pred.length), bins = nfft / 2 + 1;
        double[][] bandT = new double[frames][];
        double peak = 0;
        for (int f = 0; f < frames; f++) {
            bandT[f] = bandPower(power(spectrum(target, f)));
            for (double v : bandT[f]) peak = Math.max(peak, v);
        }
        double floor = Math.max(1e-20, peak * Math.pow(10, -FLOOR_DB / 10));
        double norm = 1.0 / ((double) frames * CEPSTRA), loss = 0;
        for (int f = 0; f < frames; f++) {
            Complex[] xp = spectrum(pred, f);
            double[] bandP = bandPower(power(xp));
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
            // d log(P_m) / dP_m = 1 / P_m above the floor; dP_m / d|X_k|^2 = filter; d|X_k|^2 / dx_n = 2 Re(conj(X_k) e^{-2 pi i k n / N})
            double[] dPow = new double[bins];
            for (int m = 0; m < BANDS; m++) {
                if (bandP[m] <= floor || dLog[m] == 0) continue;
                double g = dLog[m] / bandP[m];
                for (int k = support[m][0]; k < support[m][1]; k++) dPow[k] += filters[m][k] * g;
            }
            Complex[] h = new Complex[nfft];
            for (int k = 0; k < nfft; k++) h[k] = Complex.ZERO;
            for (int k = 0; k < bins; k++)
                if (dPow[k] != 0) h[k] = new Complex(2 * dPow[k] * xp[k].getReal(), -2 * dPow[k] * xp[k].getImaginary());
            Complex[] y = fft.transform(h, TransformType.FORWARD);
            for (int i = 0; i < window; i++) {
                int j = f * hop + i;
                if (j < dPred.length) dPred[j] += (float) (weight * hamming[i] * y[i].getReal());
            }
        }
        return loss;
    }

    private Complex[] spectrum(float[] x, int frame) {
        double[] buf = new double[nfft];
        for (int i = 0; i < window; i++) {
            int j = frame * hop + i;
            buf[i] = j < x.length ? x[j] * hamming[i] : 0;
        }
        return fft.transform(buf, TransformType.FORWARD);
    }

    private static double[] power(Complex[] spec) {
        double[] p = new double[spec.length / 2 + 1];
        for (int k = 0; k < p.length; k++) p[k] = spec[k].getReal() * spec[k].getReal() + spec[k].getImaginary() * spec[k].getImaginary();
        return p;
    }

    private double[] bandPower(double[] pow) {
        double[] b = new double[BANDS];
        for (int m = 0; m < BANDS; m++)
            for (int k = support[m][0]; k < support[m][1]; k++) b[m] += filters[m][k] * pow[k];
        return b;
    }
}
