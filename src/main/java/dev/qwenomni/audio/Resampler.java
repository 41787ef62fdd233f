package dev.qwenomni.audio;

/**
 * Band-limited sample-rate conversion by a rational factor: each output sample is a
 * Kaiser-windowed sinc interpolation of the input, the sinc's cutoff at the lower of the two
 * Nyquist rates (times {@link #ROLLOFF}), so downsampling removes what would alias. The filter is
 * tabulated once per output phase (to/gcd phases).
 */
public final class Resampler {
    /** Zero crossings of the sinc on each side, at the filter's cutoff. */
    static final int HALF_WIDTH = 24;
    static final double ROLLOFF = 0.94;
    static final double KAISER_BETA = 8.6;

    private Resampler() {}

    public static float[] resample(float[] x, int from, int to) {
        if (from <= 0 || to <= 0) throw new IllegalArgumentException("sample rates must be positive: " + from + " -> " + to);
        if (from == to) return x.clone();
        int g = gcd(from, to), up = to / g, down = from / g;
        double cutoff = ROLLOFF * Math.min(1.0, (double) to / from); // in units of the input Nyquist
        int taps = (int) Math.ceil(HALF_WIDTH / cutoff); // one-sided, in input samples
        // table[phase][k]: weight of input sample floor(t) - taps + 1 + k for output phase
        float[][] table = new float[up][2 * taps];
        double i0b = besselI0(KAISER_BETA);
        for (int ph = 0; ph < up; ph++) {
            double frac = (double) (ph * (long) down % up) / up; // t - floor(t)
            double sum = 0;
            for (int k = 0; k < 2 * taps; k++) {
                double d = (k - taps + 1) - frac; // input index minus t
                double w = cutoff * sinc(cutoff * d);
                double r = d / (taps + 1);
                w *= Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0b;
                table[ph][k] = (float) w;
                sum += w;
            }
            // unity gain at DC, so a constant stays exactly constant
            for (int k = 0; k < 2 * taps; k++) table[ph][k] /= (float) sum;
        }
        int n = (int) ((long) x.length * up / down);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            long num = (long) i * down;
            int base = (int) (num / up) - taps + 1;
            float[] h = table[i % up];
            double acc = 0;
            int k0 = Math.max(0, -base), k1 = Math.min(2 * taps, x.length - base);
            for (int k = k0; k < k1; k++) acc += h[k] * x[base + k];
            y[i] = (float) acc;
        }
        return y;
    }

    private static double sinc(double x) {
        if (Math.abs(x) < 1e-12) return 1;
        return Math.sin(Math.PI * x) / (Math.PI * x);
    }

    static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 50; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-12 * sum) break;
        }
        return sum;
    }

    static int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }
}
