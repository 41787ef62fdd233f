package dev.qwenomni.audio;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class PeriodicityLossTest {
    static final int RATE = PitchTrackerTest.RATE, N = 12288;

    static float[] voiced(double f0) { return PitchTrackerTest.harmonics(s -> f0 + 10 * s, N); }

    static float[] plusNoise(float[] x, double sigma, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] += (float) (sigma * (2 * r.nextDouble() - 1));
        return y;
    }

    @Test
    void aPeriodicPredictionCostsNothingWhateverItsLevelOrItsPitchWithinTheTolerance() {
        PeriodicityLoss loss = new PeriodicityLoss(RATE);
        float[] target = voiced(120);
        PeriodicityLoss.Value same = loss.compute(target, target, null, 1);
        assertTrue(same.frames() > 30, "voiced frames averaged: " + same.frames());
        assertEquals(0, same.loss(), 1e-12);
        float[] quieter = target.clone();
        for (int i = 0; i < quieter.length; i++) quieter[i] *= 0.3f;
        assertEquals(0, loss.compute(quieter, target, null, 1).loss(), 1e-9);
        // 3% sharp is as periodic, and inside the lag tolerance: at most a trace of the hinge
        assertTrue(loss.compute(voiced(120 * 1.03), target, null, 1).loss() < 0.01);
    }

    @Test
    void noiseInTheVoiceCostsMoreTheMoreThereIs() {
        PeriodicityLoss loss = new PeriodicityLoss(RATE);
        float[] target = voiced(180);
        double a = loss.compute(plusNoise(target, 0.02, 1), target, null, 1).loss();
        double b = loss.compute(plusNoise(target, 0.08, 1), target, null, 1).loss();
        double c = loss.compute(plusNoise(target, 0.3, 1), target, null, 1).loss();
        assertTrue(a > 0.005 && b > a + 0.02 && c > b + 0.05, a + " " + b + " " + c);
        // the difference band sees noise sooner than the plain one: even faint noise counts
        assertTrue(a > 0.02, "faint noise: " + a);
    }

    @Test
    void gradientMatchesCentralDifferences() {
        PeriodicityLoss loss = new PeriodicityLoss(RATE);
        float[] target = voiced(140);
        checkGradient(loss, plusNoise(target, 0.1, 3), target);
    }

    /** Central differences at 40 random samples against the analytic gradient. */
    static void checkGradient(PeriodicityLoss loss, float[] pred, float[] target) {
        SampleGradCheck.checkLoss((p, t, d, w) -> loss.compute(p, t, d, w).loss(), pred, target, 2.5f, 40, 11, v -> 1.0 / 1024, 20);
    }

    @Test
    void voicingWhatShouldBeNoiseCostsToo() {
        PeriodicityLoss loss = new PeriodicityLoss(RATE);
        float[] hiss = plusNoise(new float[N], 0.1, 6);
        PeriodicityLoss.Value v = loss.compute(voiced(150), hiss, null, 1);
        assertTrue(v.loss() > 0.3, "a vowel for a fricative: " + v.loss());
        checkGradient(loss, voiced(150), hiss);
    }

    @Test
    void silentTargetsAreSkippedNoiseForNoiseIsFreeAndLengthsMustAgree() {
        PeriodicityLoss loss = new PeriodicityLoss(RATE);
        float[] silence = new float[N];
        float[] grad = new float[N];
        PeriodicityLoss.Value v = loss.compute(plusNoise(silence, 0.1, 5), silence, grad, 1);
        assertEquals(0, v.frames());
        for (float g : grad) assertEquals(0, g);
        float[] hiss = plusNoise(silence, 0.1, 6);
        PeriodicityLoss.Value noiseForNoise = loss.compute(plusNoise(silence, 0.1, 7), hiss, null, 1);
        assertTrue(noiseForNoise.frames() > 30, "sounding frames: " + noiseForNoise.frames());
        assertEquals(0, noiseForNoise.loss(), 0.01, "noise for noise costs at most a trace");
        var e = assertThrows(IllegalArgumentException.class, () -> loss.compute(new float[10], new float[12], null, 1));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("12"), e.getMessage());
    }
}
