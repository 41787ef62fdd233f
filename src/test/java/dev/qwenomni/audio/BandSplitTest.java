package dev.qwenomni.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BandSplitTest {
    static final int RATE = 24000, N = 30000;

    static float[] sine(double hz, double amp) {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) x[i] = (float) (amp * Math.sin(2 * Math.PI * hz * i / RATE));
        return x;
    }

    static double rmsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        return Math.sqrt(s / a.length);
    }

    @Test
    void theLowPartKeepsWhatLiesBelowTheCutAndTheJoinTakesEachBandFromItsSignal() {
        float[] low = sine(500, 0.3), high = sine(4000, 0.2), both = new float[N], zero = new float[N];
        for (int i = 0; i < N; i++) both[i] = low[i] + high[i];
        // amplitude 0.3 is an RMS of 0.21: leakage from the zero padding stays under 1% of it
        assertTrue(rmsDiff(BandSplit.below(both, RATE, 2000), low) < 2e-3, "below 2 kHz");
        float[][] mixAndZero = BandSplit.swap(both, zero, RATE, 2000);
        assertTrue(rmsDiff(mixAndZero[0], low) < 2e-3, "low band from the mix, nothing above");
        assertTrue(rmsDiff(mixAndZero[1], high) < 2e-3, "high band from the mix, nothing below");
        for (float[] y : BandSplit.swap(both, both, RATE, 2000)) assertTrue(rmsDiff(y, both) < 1e-6, "both bands of one signal give it back");
        var e = assertThrows(IllegalArgumentException.class, () -> BandSplit.below(both, RATE, 12000));
        assertTrue(e.getMessage().contains("12000"), e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> BandSplit.swap(both, new float[10], RATE, 1000));
        assertTrue(m.getMessage().contains("30000") && m.getMessage().contains("10"), m.getMessage());
    }
}
