package dev.qwenomni.audio;

import java.util.Arrays;

/** Level normalisation and silence trimming for teacher speech. */
public final class Loudness {
    private Loudness() {}

    /** RMS level in dBFS over the 20 ms frames that are within 40 dB of the loudest (a simple speech gate). */
    public static double activeRmsDb(float[] x, int rate) {
        int f = Math.max(1, rate / 50);
        int frames = x.length / f;
        if (frames == 0) return -120;
        double[] e = new double[frames];
        double max = 0;
        for (int i = 0; i < frames; i++) {
            double s = 0;
            for (int j = i * f; j < (i + 1) * f; j++) s += (double) x[j] * x[j];
            e[i] = s / f;
            max = Math.max(max, e[i]);
        }
        double gate = max * 1e-4, sum = 0;
        int n = 0;
        for (double v : e) if (v >= gate && v > 0) { sum += v; n++; }
        return n == 0 ? -120 : 10 * Math.log10(sum / n);
    }

    /** Scales to the target active RMS (dBFS), then limits the peak to peakDb. */
    public static float[] normalize(float[] x, int rate, double targetDb, double peakDb) {
        double level = activeRmsDb(x, rate);
        if (level <= -119) return x.clone();
        double gain = Math.pow(10, (targetDb - level) / 20);
        double peak = 0;
        for (float v : x) peak = Math.max(peak, Math.abs(v));
        double maxPeak = Math.pow(10, peakDb / 20);
        if (peak * gain > maxPeak) gain = maxPeak / peak;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) (x[i] * gain);
        return y;
    }

    /**
     * Removes leading and trailing silence: 10 ms frames quieter than thresholdDb below the
     * loudest frame, keeping marginMs of context on each side.
     */
    public static float[] trimSilence(float[] x, int rate, double thresholdDb, int marginMs) {
        int[] r = trimRange(x, rate, thresholdDb, marginMs);
        return Arrays.copyOfRange(x, r[0], r[1]);
    }

    /** The [start, end) sample range trimSilence keeps (empty when all is silence; all of a clip under one frame). */
    public static int[] trimRange(float[] x, int rate, double thresholdDb, int marginMs) {
        int f = Math.max(1, rate / 100);
        int frames = x.length / f;
        if (frames == 0) return new int[]{0, x.length};
        double[] e = new double[frames];
        double max = 0;
        for (int i = 0; i < frames; i++) {
            double s = 0;
            for (int j = i * f; j < (i + 1) * f; j++) s += (double) x[j] * x[j];
            e[i] = s;
            max = Math.max(max, s);
        }
        double thr = max * Math.pow(10, -thresholdDb / 10);
        int first = 0, last = frames - 1;
        while (first < frames && e[first] < thr) first++;
        while (last > first && e[last] < thr) last--;
        if (first >= frames) return new int[]{0, 0};
        int margin = rate * marginMs / 1000;
        return new int[]{Math.max(0, first * f - margin), Math.min(x.length, (last + 1) * f + margin)};
    }
}
