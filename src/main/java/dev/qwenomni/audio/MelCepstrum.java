package dev.qwenomni.audio;


/**
 * Mel-cepstra (log mel filterbank amplitudes, then a DCT-II) per frame, and mel-cepstral
 * distortion between two renderings of the same sentence, aligned by dynamic time warping.
 * <p>
 * The MCD constant (10 / ln 10) sqrt(2 sum d^2) is defined for cepstra of the log amplitude
 * spectrum with the cepstrum's own scale, c_n = (1/pi) integral_0^pi ln|X(w)| cos(n w) dw; here
 * that integral runs over the mel-warped axis (M bands: c_n = (1/M) sum_m L_m cos(pi n (m+1/2)/M)),
 * the same idea as SPTK's all-pass warped mel-cepstrum, so values land on the usual dB scale. The MCD filterbank stops
 * at 8 kHz: our teacher voices render at 16 kHz, so above 8 kHz the reference holds nothing and
 * any output's faint noise there would dominate the distance (log of near-zero) while saying
 * nothing about the speech.
 */
public final class MelCepstrum {
    private final int rate, nfft, hop, nMels, nCeps;
    private final double[][] filters;
    private final double[] window;

    /** The band MCD measures: the speech band of the teacher data. */
    public static final double MCD_MAX_HZ = 8000;
    /** Dynamic range kept below the loudest band, in dB of power. */
    static final double FLOOR_DB = 60;

    /** For MCD: 40 mel bands up to 8 kHz (or Nyquist), cepstra c1..c24, 5 ms hop. */
    public MelCepstrum(int rate) { this(rate, 1024, rate / 200, 40, 24, Math.min(MCD_MAX_HZ, rate / 2.0)); }

    /** Mel bands up to Nyquist. */
    public MelCepstrum(int rate, int nfft, int hop, int nMels, int nCeps) { this(rate, nfft, hop, nMels, nCeps, rate / 2.0); }

    public MelCepstrum(int rate, int nfft, int hop, int nMels, int nCeps, double maxHz) {
        this.rate = rate;
        this.nfft = nfft;
        this.hop = hop;
        this.nMels = nMels;
        this.nCeps = nCeps;
        window = new double[nfft];
        for (int i = 0; i < nfft; i++) window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / nfft);
        filters = melFilters(rate, nfft, nMels, maxHz);
    }

    /** Triangular filters [nMels][nfft/2 + 1], evenly spaced on the mel scale from 0 Hz to Nyquist. */
    public static double[][] melFilters(int rate, int nfft, int nMels) { return melFilters(rate, nfft, nMels, rate / 2.0); }

    /** Triangular filters [nMels][nfft/2 + 1], evenly spaced on the mel scale from 0 Hz to maxHz. */
    public static double[][] melFilters(int rate, int nfft, int nMels, double maxHz) { return melFilters(rate, nfft, nMels, 0, maxHz); }

    /** Triangular filters [nMels][nfft/2 + 1], evenly spaced on the mel scale from minHz to maxHz. */
    public static double[][] melFilters(int rate, int nfft, int nMels, double minHz, double maxHz) {
        if (maxHz <= 0 || maxHz > rate / 2.0) throw new IllegalArgumentException("mel band top " + maxHz + " Hz outside (0, " + rate / 2.0 + "]");
        if (minHz < 0 || minHz >= maxHz) throw new IllegalArgumentException("mel band bottom " + minHz + " Hz outside [0, " + maxHz + ")");
        double[][] filters = new double[nMels][nfft / 2 + 1];
        double lo = mel(minHz), hi = mel(maxHz);
        double[] edges = new double[nMels + 2];
        for (int i = 0; i < edges.length; i++) edges[i] = hz(lo + (hi - lo) * i / (nMels + 1));
        for (int m = 0; m < nMels; m++)
            for (int k = 0; k <= nfft / 2; k++) {
                double f = (double) k * rate / nfft;
                double up = (f - edges[m]) / (edges[m + 1] - edges[m]), down = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
                filters[m][k] = Math.max(0, Math.min(up, down));
            }
        return filters;
    }

    /** Per filter, the [first, last) bins where it is not zero, so that loops over a band can skip the zeros. */
    public static int[][] support(double[][] filters) {
        int[][] range = new int[filters.length][2];
        for (int m = 0; m < filters.length; m++) {
            int lo = 0, hi = filters[m].length;
            while (lo < hi && filters[m][lo] == 0) lo++;
            while (hi > lo && filters[m][hi - 1] == 0) hi--;
            range[m][0] = lo;
            range[m][1] = hi;
        }
        return range;
    }

    /** Centre frequency of each of the filters {@link #melFilters(int, int, int, double)} makes. */
    public static double[] bandCentres(int rate, int nMels, double maxHz) {
        double lo = mel(0), hi = mel(maxHz);
        double[] c = new double[nMels];
        for (int m = 0; m < nMels; m++) c[m] = hz(lo + (hi - lo) * (m + 1) / (nMels + 1));
        return c;
    }

    static double mel(double hz) { return 2595 * Math.log10(1 + hz / 700); }
    static double hz(double mel) { return 700 * (Math.pow(10, mel / 2595) - 1); }

    /** [frames][nCeps] cepstra c1..c_nCeps of the log mel amplitude (c0, the energy, left out as MCD usually does). */
    public double[][] cepstra(float[] x) {
        double[][] lm = logMel(x);
        // a floor 60 dB under the loudest band of the utterance: silence (digital zeros in one
        // rendering, faint noise in another) otherwise dominates the distance; relative, so a
        // gain change leaves the cepstra alone
        double peak = Double.NEGATIVE_INFINITY;
        for (double[] row : lm) for (double v : row) peak = Math.max(peak, v);
        double floor = peak - FLOOR_DB / 10 * Math.log(10);
        for (double[] row : lm) for (int m = 0; m < row.length; m++) row[m] = 0.5 * Math.max(row[m], floor);
        double[][] out = new double[lm.length][nCeps];
        for (int t = 0; t < lm.length; t++)
            for (int c = 1; c <= nCeps; c++) {
                double s = 0;
                for (int m = 0; m < nMels; m++) s += lm[t][m] * Math.cos(Math.PI * c * (m + 0.5) / nMels);
                out[t][c - 1] = s / nMels;
            }
        return out;
    }

    /** [frames][nMels] natural-log mel power per frame. */
    public double[][] logMel(float[] x) {
        int frames = Math.max(1, 1 + (x.length - nfft) / hop);
        Fft fft = Fft.of(nfft);
        double[][] out = new double[frames][nMels];
        double[] buf = new double[nfft], im = new double[nfft];
        for (int t = 0; t < frames; t++) {
            double[] logMel = out[t];
            for (int i = 0; i < nfft; i++) {
                int j = t * hop + i;
                buf[i] = j < x.length ? x[j] * window[i] : 0;
            }
            fft.forwardReal(buf, im);
            for (int m = 0; m < nMels; m++) {
                double e = 0;
                for (int k = 0; k <= nfft / 2; k++) {
                    if (filters[m][k] == 0) continue;
                    e += filters[m][k] * (buf[k] * buf[k] + im[k] * im[k]);
                }
                logMel[m] = Math.log(Math.max(e, 1e-10));
            }
        }
        return out;
    }

    /**
     * Mel-cepstral distortion in dB, (10 / ln 10) sqrt(2 sum_d (a_d - b_d)^2), averaged over the
     * DTW path between the two frame sequences.
     */
    public double mcd(float[] a, float[] b) {
        double[][] ca = cepstra(a), cb = cepstra(b);
        int n = ca.length, m = cb.length;
        double[][] cost = new double[n + 1][m + 1];
        int[][] len = new int[n + 1][m + 1];
        for (double[] row : cost) java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        cost[0][0] = 0;
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= m; j++) {
                double d = 0;
                for (int k = 0; k < nCeps; k++) { double t = ca[i - 1][k] - cb[j - 1][k]; d += t * t; }
                d = 10 / Math.log(10) * Math.sqrt(2 * d);
                double best = cost[i - 1][j - 1];
                int l = len[i - 1][j - 1];
                if (cost[i - 1][j] < best) { best = cost[i - 1][j]; l = len[i - 1][j]; }
                if (cost[i][j - 1] < best) { best = cost[i][j - 1]; l = len[i][j - 1]; }
                cost[i][j] = best + d;
                len[i][j] = l + 1;
            }
        return cost[n][m] / len[n][m];
    }
}
