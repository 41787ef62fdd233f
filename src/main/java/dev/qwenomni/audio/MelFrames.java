package dev.qwenomni.audio;


/**
 * The framing that recognisers' front ends share: Hamming windows every 10 ms, the power spectrum of each, and its
 * triangular mel filterbank energies over a band; plus the way back, from a gradient on the log band energies of one
 * frame to the gradient on its samples. The cepstral losses build on it.
 */
final class MelFrames {
    final int window, hop, nfft, bands;
    private final double[] hamming;
    private final double[][] filters;
    private final int[][] support;
    private final Fft fft;

    /** One frame's spectrum, all nfft bins. */
    record Spectrum(double[] re, double[] im) {}

    MelFrames(int rate, double windowSeconds, int bands, double lowHz, double highHz) {
        window = (int) Math.round(windowSeconds * rate);
        hop = rate / 100;
        nfft = Integer.highestOneBit(window - 1) << 1;
        this.bands = bands;
        hamming = new double[window];
        for (int i = 0; i < window; i++) hamming[i] = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (window - 1));
        filters = MelCepstrum.melFilters(rate, nfft, bands, lowHz, highHz);
        support = MelCepstrum.support(filters);
        fft = Fft.of(nfft);
    }

    /** Frames of {@code n} samples: every hop whose window fits, and at least one (zero-padded). */
    int frames(int n) { return Math.max(1, 1 + (n - window) / hop); }

    /** The windowed frame's spectrum (samples past the end count as zero). */
    Spectrum spectrum(float[] x, int frame) {
        double[] re = new double[nfft], im = new double[nfft];
        for (int i = 0; i < window; i++) {
            int j = frame * hop + i;
            re[i] = j < x.length ? x[j] * hamming[i] : 0;
        }
        fft.forward(re, im);
        return new Spectrum(re, im);
    }

    /** Filterbank energies of a spectrum. */
    double[] bandPower(Spectrum spec) {
        double[] b = new double[bands];
        for (int m = 0; m < bands; m++)
            for (int k = support[m][0]; k < support[m][1]; k++) {
                double re = spec.re()[k], im = spec.im()[k];
                b[m] += filters[m][k] * (re * re + im * im);
            }
        return b;
    }

    /**
     * Adds weight * d/dx of a loss into {@code dx} over one frame, given the loss's gradient {@code dLog} on
     * ln(max(bandP, floor)): bands at or under the floor pass nothing back.
     */
    void backward(int frame, Spectrum spec, double[] bandP, double floor, double[] dLog, float[] dx, float weight) {
        // d ln(P_m) / dP_m = 1 / P_m; dP_m / d|X_k|^2 = filter; d|X_k|^2 / dx_n = 2 Re(conj(X_k) e^{-2 pi i k n / N})
        int bins = nfft / 2 + 1;
        double[] dPow = new double[bins];
        for (int m = 0; m < bands; m++) {
            if (bandP[m] <= floor || dLog[m] == 0) continue;
            double g = dLog[m] / bandP[m];
            for (int k = support[m][0]; k < support[m][1]; k++) dPow[k] += filters[m][k] * g;
        }
        double[] hr = new double[nfft], hi = new double[nfft];
        for (int k = 0; k < bins; k++)
            if (dPow[k] != 0) { hr[k] = 2 * dPow[k] * spec.re()[k]; hi[k] = -2 * dPow[k] * spec.im()[k]; }
        fft.forward(hr, hi);
        for (int i = 0; i < window; i++) {
            int j = frame * hop + i;
            if (j < dx.length) dx[j] += (float) (weight * hamming[i] * hr[i]);
        }
    }
}
