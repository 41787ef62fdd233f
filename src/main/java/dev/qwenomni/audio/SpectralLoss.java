package dev.qwenomni.audio;


/**
 * Reconstruction losses for codec training, with their gradient w.r.t. the prediction:
 * multi-scale log-mel L1 (log10 of mel magnitudes clamped at a floor: DAC's 1e-5, or
 * {@link #DYNAMIC_RANGE_DB} below the target's peak when that is higher) and multi-resolution
 * log-magnitude STFT L1 (clamped at the same floor). Frames are Hann-windowed, hop = window / 4, starting
 * at sample 0 (the signal is zero-padded to whole frames). FFTs by {@link Fft}. An optional {@link Emphasis} weighs
 * the mel bands (by centre frequency) and STFT bins inside a frequency range more in the objective and its gradient;
 * the reported terms stay unweighted, so runs with and without it compare. Extra mel scales (DAC's short windows, 32-128
 * samples, which resolve onsets and bursts the default 256-2048 windows smear) likewise enter the objective only, each
 * counted like one default scale.
 */
public final class SpectralLoss {
    /** One STFT resolution; nMels == 0 means a linear-magnitude STFT term. */
    public record Scale(int nfft, int nMels) {}

    public static final Scale[] DEFAULT_MEL = {new Scale(256, 20), new Scale(512, 40), new Scale(1024, 80), new Scale(2048, 160)};
    /** Bands and bins from loHz to hiHz count gain times in the objective. */
    public record Emphasis(double loHz, double hiHz, double gain) {
        public Emphasis {
            if (!(loHz >= 0 && hiHz > loHz && gain > 0))
                throw new IllegalArgumentException("emphasis needs 0 <= low < high and a positive gain, not " + loHz + "-" + hiHz + " Hz x " + gain);
        }

        double at(double hz) { return hz >= loHz && hz <= hiHz ? gain : 1; }
    }

    public static final Scale[] DEFAULT_STFT = {new Scale(512, 0), new Scale(1024, 0), new Scale(2048, 0)};
    /** DAC's three shortest mel scales (its windows 32, 64, 128 with 5, 10, 20 bands): 1.3 to 5.3 ms at 24 kHz. */
    public static final Scale[] SHORT_MEL = {new Scale(32, 5), new Scale(64, 10), new Scale(128, 20)};

    // Hann windows by size and mel filterbanks by scale, built once: compute() runs for every
    // training segment
    private final java.util.Map<Integer, double[]> windows = new java.util.HashMap<>();
    private final java.util.Map<Scale, double[][]> filters = new java.util.HashMap<>();
    /** Per scale and mel band, the [first, last) bins where its triangle is non-zero: the loops skip the zeros. */
    private final java.util.Map<Scale, int[][]> support = new java.util.HashMap<>();
    /** Per scale, the objective's weight of each mel band or STFT bin (null: all 1). */
    private final java.util.Map<Scale, double[]> emphasis = new java.util.HashMap<>();

    /**
     * The loss's dynamic range: magnitudes more than this far below the target's loudest bin (per
     * scale and segment) count as the floor. With DAC's fixed 1e-5 floor alone, band-limited
     * targets (our 16 kHz-native teacher voices are empty above 8 kHz) sent 97-98% of the
     * gradient energy into pushing inaudible noise there (-51 dB) further down, measured on a
     * 2000-step codec; with a 60 dB range (both terms clamped) 1% of the mel term's gradient
     * energy goes there, and the loss ignores what is inaudible anyway.
     */
    public static final double DYNAMIC_RANGE_DB = 60;
    private final double rangeFactor;
    private final Scale[] extraMel;

    public SpectralLoss(int rate) { this(rate, DYNAMIC_RANGE_DB); }

    public SpectralLoss(int rate, double dynamicRangeDb) { this(rate, dynamicRangeDb, null); }

    public SpectralLoss(int rate, double dynamicRangeDb, Emphasis e) { this(rate, dynamicRangeDb, e, new Scale[0]); }

    /** extraMel: mel scales (nMels > 0, power-of-two windows) that count in the objective and its gradient only. */
    public SpectralLoss(int rate, double dynamicRangeDb, Emphasis e, Scale[] extraMel) {
        this.rangeFactor = Math.pow(10, -dynamicRangeDb / 20);
        for (Scale s : extraMel) {
            if (s.nMels() <= 0 || s.nfft() < 8 || Integer.bitCount(s.nfft()) != 1 || s.nMels() > s.nfft() / 2)
                throw new IllegalArgumentException("an extra mel scale needs a power-of-two window of 8 or more and 1 to window/2 bands, not "
                        + s.nfft() + ":" + s.nMels());
            for (Scale d : DEFAULT_MEL)
                if (d.equals(s)) throw new IllegalArgumentException("mel scale " + s.nfft() + ":" + s.nMels() + " is already a default scale");
        }
        this.extraMel = extraMel.clone();
        java.util.List<Scale> mels = new java.util.ArrayList<>(java.util.List.of(DEFAULT_MEL));
        mels.addAll(java.util.List.of(extraMel));
        if (e != null) {
            for (Scale s : mels) {
                double[] w = new double[s.nMels()], centres = MelCepstrum.bandCentres(rate, s.nMels(), rate / 2.0);
                for (int m = 0; m < w.length; m++) w[m] = e.at(centres[m]);
                emphasis.put(s, w);
            }
            for (Scale s : DEFAULT_STFT) {
                double[] w = new double[s.nfft() / 2 + 1];
                for (int k = 0; k < w.length; k++) w[k] = e.at((double) k * rate / s.nfft());
                emphasis.put(s, w);
            }
        }
        for (Scale s : mels) {
            double[][] fb = MelCepstrum.melFilters(rate, s.nfft(), s.nMels());
            filters.put(s, fb);
            support.put(s, MelCepstrum.support(fb));
        }
        for (Scale s : mels) windows.computeIfAbsent(s.nfft(), SpectralLoss::hann);
        for (Scale s : DEFAULT_STFT) windows.computeIfAbsent(s.nfft(), SpectralLoss::hann);
    }

    private static double[] hann(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        return w;
    }

    /**
     * Loss terms of one evaluation: mel and stft unweighted, melObjective and stftObjective with the emphasis (the
     * same without one), which the gradient follows.
     */
    public record Value(double mel, double stft, double melObjective, double stftObjective) {}

    /** The reported multi-scale log-mel L1 alone (the default scales), without the STFT terms: compute(...).mel() for less. */
    public double mel(float[] pred, float[] target) {
        double mel = 0;
        for (Scale s : DEFAULT_MEL) mel += scale(pred, target, null, s, 0)[0] / DEFAULT_MEL.length;
        return mel;
    }

    /**
     * Mean over the default scales of each term (the extra mel scales add to melObjective, each like one default
     * scale); adds melWeight * d(melObjective)/d(pred) + stftWeight * d(stftObjective)/d(pred) into dPred when it is
     * not null.
     */
    public Value compute(float[] pred, float[] target, float[] dPred, float melWeight, float stftWeight) {
        double mel = 0, stft = 0, melObj = 0, stftObj = 0;
        for (Scale s : DEFAULT_MEL) {
            double[] v = scale(pred, target, dPred, s, melWeight / DEFAULT_MEL.length);
            mel += v[0] / DEFAULT_MEL.length;
            melObj += v[1] / DEFAULT_MEL.length;
        }
        for (Scale s : extraMel) melObj += scale(pred, target, dPred, s, melWeight / DEFAULT_MEL.length)[1] / DEFAULT_MEL.length;
        for (Scale s : DEFAULT_STFT) {
            double[] v = scale(pred, target, dPred, s, stftWeight / DEFAULT_STFT.length);
            stft += v[0] / DEFAULT_STFT.length;
            stftObj += v[1] / DEFAULT_STFT.length;
        }
        return new Value(mel, stft, melObj, stftObj);
    }

    /** {unweighted, emphasised} loss of one scale. */
    private double[] scale(float[] pred, float[] target, float[] dPred, Scale s, float weight) {
        int n = s.nfft(), hop = n / 4, bins = n / 2 + 1;
        int frames = Math.max(1, (pred.length - n + hop - 1) / hop + 1);
        double[] win = windows.get(n);
        double[][] fb = filters.get(s);
        int[][] sup = support.get(s);
        int terms = s.nMels() > 0 ? s.nMels() : bins;
        double[] emph = emphasis.get(s);
        double norm = 1.0 / ((double) frames * terms), loss = 0, objective = 0;
        // the target's spectra first: the floor is relative to its loudest bin (or mel band)
        double[][] magTs = new double[frames][bins];
        double[][] melTs = fb == null ? null : new double[frames][fb.length];
        double peak = 0;
        Fft fft = Fft.of(n);
        double[] bufP = new double[n], bufT = new double[n], imP = new double[n], imT = new double[n];
        double[] hr = dPred == null ? null : new double[n], hi = dPred == null ? null : new double[n];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < n; i++) {
                int j = f * hop + i;
                bufT[i] = j < target.length ? target[j] * win[i] : 0;
            }
            fft.forwardReal(bufT, imT);
            for (int k = 0; k < bins; k++) magTs[f][k] = Math.sqrt(bufT[k] * bufT[k] + imT[k] * imT[k]);
            if (fb != null) {
                for (int m = 0; m < fb.length; m++) {
                    double mt = 0;
                    for (int k = sup[m][0]; k < sup[m][1]; k++) mt += fb[m][k] * magTs[f][k];
                    melTs[f][m] = mt;
                    peak = Math.max(peak, mt);
                }
            } else {
                for (int k = 0; k < bins; k++) peak = Math.max(peak, magTs[f][k]);
            }
        }
        double floor = Math.max(1e-5, peak * rangeFactor);
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < n; i++) {
                int j = f * hop + i;
                bufP[i] = j < pred.length ? pred[j] * win[i] : 0;
            }
            fft.forwardReal(bufP, imP);
            double[] magP = new double[bins], magT = magTs[f], dMag = new double[bins];
            for (int k = 0; k < bins; k++) magP[k] = Math.sqrt(bufP[k] * bufP[k] + imP[k] * imP[k]);
            if (fb != null) {
                for (int m = 0; m < fb.length; m++) {
                    double mp = 0, mt = melTs[f][m];
                    for (int k = sup[m][0]; k < sup[m][1]; k++) mp += fb[m][k] * magP[k];
                    double lp = Math.log10(Math.max(mp, floor)), lt = Math.log10(Math.max(mt, floor)), diff = lp - lt;
                    double e = emph == null ? 1 : emph[m];
                    loss += Math.abs(diff) * norm;
                    objective += e * Math.abs(diff) * norm;
                    if (dPred != null && mp > floor && diff != 0) {
                        double g = e * Math.signum(diff) * norm / (mp * Math.log(10));
                        for (int k = sup[m][0]; k < sup[m][1]; k++) dMag[k] += fb[m][k] * g;
                    }
                }
            } else {
                for (int k = 0; k < bins; k++) {
                    double diff = Math.log(Math.max(magP[k], floor)) - Math.log(Math.max(magT[k], floor));
                    double e = emph == null ? 1 : emph[k];
                    loss += Math.abs(diff) * norm;
                    objective += e * Math.abs(diff) * norm;
                    if (dPred != null && magP[k] > floor && diff != 0) dMag[k] = e * Math.signum(diff) * norm / magP[k];
                }
            }
            if (dPred == null) continue;
            // d|X_k| -> dX_k = dMag X_k / |X_k|; dx_n = w_n Re(sum_k conj(dX_k) e^{-2 pi i k n / N})
            java.util.Arrays.fill(hr, 0);
            java.util.Arrays.fill(hi, 0);
            for (int k = 0; k < bins; k++) {
                if (magP[k] < 1e-12 || dMag[k] == 0) continue;
                double sc = dMag[k] / magP[k];
                hr[k] = bufP[k] * sc;
                hi[k] = -imP[k] * sc;
            }
            fft.forward(hr, hi);
            for (int i = 0; i < n; i++) {
                int j = f * hop + i;
                if (j < dPred.length) dPred[j] += (float) (weight * win[i] * hr[i]);
            }
        }
        return new double[]{loss, objective};
    }
}
