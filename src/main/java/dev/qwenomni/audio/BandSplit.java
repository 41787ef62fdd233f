package dev.qwenomni.audio;


/**
 * Splits a whole signal at a frequency with one zero-phase FFT brick wall: the low part keeps the bins below the
 * cut, and the high part is the rest, so the two add up to the signal. For diagnostics (which band of a
 * resynthesis costs a recogniser), not for filtering audio people listen to: a brick wall rings.
 */
public final class BandSplit {
    private BandSplit() {}

    /** The part of x below hz (sampled at rate). */
    public static float[] below(float[] x, int rate, double hz) {
        if (!(hz > 0 && hz < rate / 2.0)) throw new IllegalArgumentException("band split at " + hz + " Hz outside (0, " + rate / 2.0 + ")");
        int n = Integer.highestOneBit(Math.max(2, x.length - 1)) << 1;
        double[] re = new double[n], im = new double[n];
        for (int i = 0; i < x.length; i++) re[i] = x[i];
        Fft fft = Fft.of(n);
        fft.forward(re, im);
        for (int k = 0; k < n; k++) {
            int bin = Math.min(k, n - k); // bins k and n - k hold the same frequency
            if ((double) bin * rate / n >= hz) { re[k] = 0; im[k] = 0; }
        }
        fft.inverse(re, im);
        float[] low = new float[x.length];
        for (int i = 0; i < x.length; i++) low[i] = (float) re[i];
        return low;
    }

    /**
     * Both hybrids of two signals of the same length: {a below hz + b above it, b below hz + a above it}. Each signal
     * is split once.
     */
    public static float[][] swap(float[] a, float[] b, int rate, double hz) {
        if (a.length != b.length) throw new IllegalArgumentException("band swap of " + a.length + " and " + b.length + " samples");
        float[] lowA = below(a, rate, hz), lowB = below(b, rate, hz), aLowBHigh = new float[a.length], bLowAHigh = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            aLowBHigh[i] = lowA[i] + b[i] - lowB[i];
            bLowAHigh[i] = lowB[i] + a[i] - lowA[i];
        }
        return new float[][]{aLowBHigh, bLowAHigh};
    }
}
