package dev.qwenomni.audio;


import java.util.Arrays;

/**
 * Frame-wise fundamental frequency and periodicity by normalised autocorrelation (Boersma's
 * method, as in Praat): each Hann-windowed frame's autocorrelation is divided by the window's
 * own, so a perfectly periodic frame scores 1 at its period whatever the lag; the peak is refined
 * by parabolic interpolation, and a small cost per octave down keeps a period's multiples from
 * winning ties. Mel and STFT distances barely see a resynthesis whose pitch wanders or whose
 * harmonics turn to noise; these numbers do.
 */
public final class PitchTracker {
    public static final double MIN_F0 = 60, MAX_F0 = 500;
    /** Praat's defaults: voicing threshold, octave cost per octave, and silence relative to the loudest frame. */
    static final double VOICING = 0.45, OCTAVE_COST = 0.01, SILENCE_DB = 30;
    /** Frame hop in seconds. */
    public static final double HOP = 0.010;

    /**
     * Per frame: F0 in Hz (of the best candidate, voiced or not), periodicity in [0, 1], energy in dB, whether it is
     * sounding (within the silence threshold of the loudest frame) and whether it is voiced (sounding and periodic).
     */
    public record Track(double[] f0, double[] periodicity, double[] energyDb, boolean[] sounding, boolean[] voiced) {
        public int frames() { return f0.length; }

        /** Median F0 over voiced frames, NaN when none is voiced. */
        public double medianVoicedF0() {
            return median(java.util.stream.IntStream.range(0, frames()).filter(i -> voiced[i]).mapToDouble(i -> f0[i]).toArray());
        }

        public double voicedFraction() {
            int n = 0;
            for (boolean b : voiced) if (b) n++;
            return frames() == 0 ? 0 : (double) n / frames();
        }
    }

    private final int rate, window, hop, nfft, minLag, maxLag;
    private final double[] hann, windowAcf;
    private final Fft fft;

    public PitchTracker(int rate) {
        if (rate < 8000) throw new IllegalArgumentException("pitch tracking needs a sample rate of at least 8000 Hz, got " + rate);
        this.rate = rate;
        this.window = (int) Math.round(3 * rate / MIN_F0); // three periods of the lowest F0
        this.hop = (int) Math.round(HOP * rate);
        this.nfft = Integer.highestOneBit(2 * window - 1) << 1;
        this.fft = Fft.of(nfft);
        this.minLag = (int) Math.floor(rate / MAX_F0);
        this.maxLag = (int) Math.ceil(rate / MIN_F0);
        this.hann = new double[window];
        for (int i = 0; i < window; i++) hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / window);
        this.windowAcf = autocorrelation(hann);
    }

    public int rate() { return rate; }

    /** Samples between frame centres. */
    public int hop() { return hop; }

    /** The frames of a signal at this tracker's rate; frame i is centred at sample i * hop. */
    public Track track(float[] x) {
        int frames = x.length == 0 ? 0 : x.length / hop + 1;
        double[] f0 = new double[frames], per = new double[frames], energy = new double[frames];
        double[] frame = new double[window];
        for (int t = 0; t < frames; t++) {
            int start = t * hop - window / 2;
            double mean = 0;
            for (int i = 0; i < window; i++) {
                int j = start + i;
                frame[i] = j >= 0 && j < x.length ? x[j] : 0;
                mean += frame[i];
            }
            mean /= window;
            double e = 0;
            for (int i = 0; i < window; i++) {
                frame[i] = (frame[i] - mean) * hann[i];
                e += frame[i] * frame[i];
            }
            energy[t] = 10 * Math.log10(e / window + 1e-20);
            if (e < 1e-20) { f0[t] = Double.NaN; continue; }
            double[] r = autocorrelation(frame);
            double best = Double.NEGATIVE_INFINITY, bestLag = Double.NaN, bestR = 0;
            for (int k = Math.max(minLag, 1); k <= Math.min(maxLag, window - 2); k++) {
                double rk = norm(r, k), rl = norm(r, k - 1), rr = norm(r, k + 1);
                if (rk < rl || rk < rr) continue; // local maxima only
                // parabola through the three points: the peak's sub-sample lag and height
                double den = rl - 2 * rk + rr, d = den < 0 ? 0.5 * (rl - rr) / den : 0;
                double lag = k + d, height = Math.min(1, rk - 0.25 * (rl - rr) * d);
                double score = height - OCTAVE_COST * Math.log(MIN_F0 * lag / rate) / Math.log(2);
                if (score > best) { best = score; bestLag = lag; bestR = height; }
            }
            f0[t] = Double.isNaN(bestLag) ? Double.NaN : rate / bestLag;
            per[t] = Math.max(0, bestR);
        }
        double loudest = Arrays.stream(energy).max().orElse(0);
        boolean[] sounding = new boolean[frames], voiced = new boolean[frames];
        for (int t = 0; t < frames; t++) {
            sounding[t] = energy[t] >= loudest - SILENCE_DB;
            voiced[t] = sounding[t] && !Double.isNaN(f0[t]) && per[t] >= VOICING;
        }
        return new Track(f0, per, energy, sounding, voiced);
    }

    private double norm(double[] r, int k) { return r[k] / r[0] / (windowAcf[k] / windowAcf[0]); }

    /** Autocorrelation at lags 0 .. window-1, via the power spectrum. */
    private double[] autocorrelation(double[] frame) {
        double[] re = Arrays.copyOf(frame, nfft), im = new double[nfft];
        fft.forward(re, im);
        for (int i = 0; i < nfft; i++) { re[i] = re[i] * re[i] + im[i] * im[i]; im[i] = 0; }
        fft.inverse(re, im);
        double[] r = new double[window];
        for (int i = 0; i < window; i++) r[i] = re[i];
        return r;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /**
     * How a rendering keeps the pitch of a reference of the same timing (a codec's resynthesis),
     * pooled over clips: over the frames the reference calls voiced, the test's periodicity and
     * voicing, and where both are voiced, the F0 error in cents and the share of gross errors
     * (more than 20% off, the usual gross-pitch-error threshold); over the frames it calls sounding but
     * unvoiced (fricatives, breath), the share the test voices.
     */
    public static final class Comparison {
        private final java.util.List<Double> refPer = new java.util.ArrayList<>(), testPer = new java.util.ArrayList<>(),
                cents = new java.util.ArrayList<>();
        private int refVoiced, bothVoiced, gross, refUnvoiced, added;

        /** Adds one clip; the two tracks must have the same frames (the same length of audio at the same rate). */
        public Comparison add(Track ref, Track test) {
            if (ref.frames() != test.frames())
                throw new IllegalArgumentException("pitch comparison needs tracks of the same length: reference " + ref.frames()
                        + " frames, test " + test.frames() + " frames");
            for (int t = 0; t < ref.frames(); t++) {
                if (!ref.voiced[t]) {
                    if (ref.sounding[t]) {
                        refUnvoiced++;
                        if (test.voiced[t]) added++;
                    }
                    continue;
                }
                refVoiced++;
                refPer.add(ref.periodicity[t]);
                testPer.add(test.periodicity[t]);
                if (!test.voiced[t]) continue;
                bothVoiced++;
                double ratio = test.f0[t] / ref.f0[t];
                if (Math.abs(ratio - 1) > 0.2) gross++;
                cents.add(1200 * Math.log(ratio) / Math.log(2));
            }
            return this;
        }

        public Comparison addAll(Comparison other) {
            refPer.addAll(other.refPer);
            testPer.addAll(other.testPer);
            cents.addAll(other.cents);
            refVoiced += other.refVoiced;
            bothVoiced += other.bothVoiced;
            gross += other.gross;
            refUnvoiced += other.refUnvoiced;
            added += other.added;
            return this;
        }

        /** Frames the reference calls voiced. */
        public int referenceVoicedFrames() { return refVoiced; }

        /** Frames both call voiced: where the F0 error is measured. */
        public int bothVoicedFrames() { return bothVoiced; }

        /** Median |F0 error| in cents over frames voiced in both (NaN when none). */
        public double medianAbsCents() {
            return median(cents.stream().mapToDouble(c -> Math.abs(c)).toArray());
        }

        /** Share of frames voiced in both whose F0 is more than 20% off. */
        public double grossErrorRate() { return bothVoiced == 0 ? Double.NaN : (double) gross / bothVoiced; }

        /** Share of the reference's voiced frames that the test renders unvoiced. */
        public double voicingLost() { return refVoiced == 0 ? Double.NaN : 1 - (double) bothVoiced / refVoiced; }

        /** Share of the reference's sounding but unvoiced frames that the test renders voiced. */
        public double voicingAdded() { return refUnvoiced == 0 ? Double.NaN : (double) added / refUnvoiced; }

        /** Median periodicity of the reference over its voiced frames. */
        public double referencePeriodicity() { return median(refPer.stream().mapToDouble(Double::doubleValue).toArray()); }

        /** Median periodicity of the test over the same frames. */
        public double testPeriodicity() { return median(testPer.stream().mapToDouble(Double::doubleValue).toArray()); }

        /** One line for reports. */
        public String summary() {
            return String.format(java.util.Locale.ROOT,
                    "pitch over %d voiced frames: |F0 error| median %.0f cents, gross errors %.1f%%, voicing lost %.1f%%; periodicity %.2f -> %.2f; "
                            + "voicing added %.1f%% of %d unvoiced frames",
                    refVoiced, medianAbsCents(), 100 * grossErrorRate(), 100 * voicingLost(), referencePeriodicity(), testPeriodicity(),
                    100 * voicingAdded(), refUnvoiced);
        }
    }

    /**
     * Voice quality of renderings that need not be aligned (ours against the teacher's): over the
     * sounding frames, the share that is voiced and the median periodicity, pooled over clips. A
     * hoarse rendering of the same text has fewer voiced frames and a lower periodicity.
     */
    public static final class Voicing {
        private final java.util.List<Double> periodicity = new java.util.ArrayList<>();
        private int voiced;

        public Voicing add(Track t) {
            for (int i = 0; i < t.frames(); i++) {
                if (!t.sounding[i]) continue;
                periodicity.add(t.periodicity[i]);
                if (t.voiced[i]) voiced++;
            }
            return this;
        }

        public int soundingFrames() { return periodicity.size(); }

        public double voicedShare() { return periodicity.isEmpty() ? Double.NaN : (double) voiced / periodicity.size(); }

        public double medianPeriodicity() { return median(periodicity.stream().mapToDouble(Double::doubleValue).toArray()); }
    }
}
