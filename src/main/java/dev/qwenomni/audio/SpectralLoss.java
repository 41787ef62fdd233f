package dev.qwenomni.audio;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * Reconstruction losses for codec training, with their gradient w.r.t. the prediction:
 * multi-scale log-mel L1 (log10 of mel magnitudes clamped at 1e-5, as DAC) and
 * multi-resolution log-magnitude STFT L1. Frames are Hann-windowed, hop = window / 4, starting
 * at sample 0 (the signal is zero-padded to whole frames). FFTs from Commons Math.
 */
public final class SpectralLoss {
    /** One STFT resolution; nMels == 0 means a linear-magnitude STFT term. */
    public record Scale(int nfft, int nMels) {}

    public static final Scale[] DEFAULT_MEL = {new Scale(256, 20), new Scale(512, 40), new Scale(1024, 80), new Scale(2048, 160)};
    public static final Scale[] DEFAULT_STFT = {new Scale(512, 0), new Scale(1024, 0), new Scale(2048, 0)};

    private final FastFourierTransformer fft = new FastFourierTransformer(DftNormalization.STANDARD);
    // Hann windows by size and mel filterbanks by scale, built once: compute() runs for every
    // training segment
    private final java.util.Map<Integer, double[]> windows = new java.util.HashMap<>();
    private final java.util.Map<Scale, double[][]> filters = new java.util.HashMap<>();

    public SpectralLoss(int rate) {
        for (Scale s : DEFAULT_MEL) filters.put(s, MelCepstrum.melFilters(rate, s.nfft(), s.nMels()));
        for (Scale s : DEFAULT_MEL) windows.computeIfAbsent(s.nfft(), SpectralLoss::hann);
        for (Scale s : DEFAULT_STFT) windows.computeIfAbsent(s.nfft(), SpectralLoss::hann);
    }

    private static double[] hann(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        return w;
    }

    /** Loss terms of one evaluation. */
    public record Value(double mel, double stft) {}

    /**
     * Mean over scales of each term; adds melWeight * d(mel)/d(pred) + stftWeight * d(stft)/d(pred)
     * into dPred when it is not null.
     */
    public Value compute(float[] pred, float[] target, float[] dPred, float melWeight, float stftWeight) {
        double mel = 0, stft = 0;
        for (Scale s : DEFAULT_MEL) mel += scale(pred, target, dPred, s, melWeight / DEFAULT_MEL.length) / DEFAULT_MEL.length;
        for (Scale s : DEFAULT_STFT) stft += scale(pred, target, dPred, s, stftWeight / DEFAULT_STFT.length) / DEFAULT_STFT.length;
        return new Value(mel, stft);
    }

    private double scale(float[] pred, float[] target, float[] dPred, Scale s, float weight) {
        int n = s.nfft(), hop = n / 4, bins = n / 2 + 1;
        int frames = Math.max(1, (pred.length - n + hop - 1) / hop + 1);
        double[] win = windows.get(n);
        double[][] fb = filters.get(s);
        int terms = s.nMels() > 0 ? s.nMels() : bins;
        double norm = 1.0 / ((double) frames * terms), loss = 0;
        double[] bufP = new double[n], bufT = new double[n];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < n; i++) {
                int j = f * hop + i;
                bufP[i] = j < pred.length ? pred[j] * win[i] : 0;
                bufT[i] = j < target.length ? target[j] * win[i] : 0;
            }
            Complex[] xp = fft.transform(bufP, TransformType.FORWARD), xt = fft.transform(bufT, TransformType.FORWARD);
            double[] magP = new double[bins], magT = new double[bins], dMag = new double[bins];
            for (int k = 0; k < bins; k++) { magP[k] = xp[k].abs(); magT[k] = xt[k].abs(); }
            if (fb != null) {
                for (int m = 0; m < fb.length; m++) {
                    double mp = 0, mt = 0;
                    for (int k = 0; k < bins; k++) { mp += fb[m][k] * magP[k]; mt += fb[m][k] * magT[k]; }
                    double lp = Math.log10(Math.max(mp, 1e-5)), lt = Math.log10(Math.max(mt, 1e-5)), diff = lp - lt;
                    loss += Math.abs(diff) * norm;
                    if (dPred != null && mp > 1e-5 && diff != 0) {
                        double g = Math.signum(diff) * norm / (mp * Math.log(10));
                        for (int k = 0; k < bins; k++) dMag[k] += fb[m][k] * g;
                    }
                }
            } else {
                for (int k = 0; k < bins; k++) {
                    double diff = Math.log(magP[k] + 1e-5) - Math.log(magT[k] + 1e-5);
                    loss += Math.abs(diff) * norm;
                    if (dPred != null && diff != 0) dMag[k] = Math.signum(diff) * norm / (magP[k] + 1e-5);
                }
            }
            if (dPred == null) continue;
            // d|X_k| -> dX_k = dMag X_k / |X_k|; dx_n = w_n Re(sum_k conj(dX_k) e^{-2 pi i k n / N})
            Complex[] h = new Complex[n];
            for (int k = 0; k < n; k++) h[k] = Complex.ZERO;
            for (int k = 0; k < bins; k++) {
                if (magP[k] < 1e-12 || dMag[k] == 0) continue;
                double sc = dMag[k] / magP[k];
                h[k] = new Complex(xp[k].getReal() * sc, -xp[k].getImaginary() * sc);
            }
            Complex[] y = fft.transform(h, TransformType.FORWARD);
            for (int i = 0; i < n; i++) {
                int j = f * hop + i;
                if (j < dPred.length) dPred[j] += (float) (weight * win[i] * y[i].getReal());
            }
        }
        return loss;
    }
}
