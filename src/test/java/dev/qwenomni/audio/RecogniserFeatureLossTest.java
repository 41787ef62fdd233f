package dev.qwenomni.audio;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.qwenomni.audio.CepstralLossTest.N;
import static dev.qwenomni.audio.CepstralLossTest.RATE;
import static dev.qwenomni.audio.CepstralLossTest.resonance;
import static org.junit.jupiter.api.Assertions.*;

class RecogniserFeatureLossTest {
    /** pocketsphinx-en-us's filterbank and lifter, with deviations that rise from c0 to c12 as its model's do. */
    static RecogniserFeatureLoss.FrontEnd frontEnd(double scale) {
        double[] sigma = new double[RecogniserFeatureLoss.FEATURES];
        for (int i = 0; i < sigma.length; i++) sigma[i] = scale * (6 + 0.4 * (i % 13) + 2 * (i / 13));
        return new RecogniserFeatureLoss.FrontEnd(130, 6800, 25, 22, sigma);
    }

    /** The clip through a fixed first-order filter: the same envelope everywhere, tilted. */
    static float[] tilted(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) (x[i] + 0.6 * (i > 0 ? x[i - 1] : 0));
        return y;
    }

    /** The clip with its resonance moved to {@code hz} in its second half: an envelope that changes over time. */
    static float[] changing(double hz, long seed) {
        float[] a = resonance(700, seed), b = resonance(hz, seed + 100), x = a.clone();
        System.arraycopy(b, N / 2, x, N / 2, N / 2);
        return x;
    }

    @Test
    void meanNormalisationForgivesLevelAndTiltButNotAMovingFormant() {
        RecogniserFeatureLoss loss = new RecogniserFeatureLoss(RATE, frontEnd(1));
        float[] target = changing(1400, 1);
        assertEquals(0, loss.compute(target, target, null, 1), 1e-12);
        float[] quieter = target.clone();
        for (int i = 0; i < N; i++) quieter[i] *= 0.3f;
        double level = loss.compute(quieter, target, null, 1), tilt = loss.compute(tilted(target), target, null, 1);
        // the prediction keeps the first formant where the target moves it
        double moved = loss.compute(resonance(700, 1), target, null, 1);
        assertTrue(level < 1e-6, "a gain change moves only c0's mean: " + level);
        assertTrue(moved > 5 * tilt, "formant kept from moving: " + moved + ", constant tilt: " + tilt);
        // the raw cepstral distance keeps the mean, so it sees the tilt far more, next to the formant
        CepstralLoss raw = new CepstralLoss(RATE);
        double rawRatio = raw.compute(tilted(target), target, null, 1) / raw.compute(resonance(700, 1), target, null, 1);
        assertTrue(rawRatio > 2 * tilt / moved, "tilt / formant: raw cepstra " + rawRatio + ", after CMN " + tilt / moved);
    }

    @Test
    void errorsCountInTheModelsDeviations() {
        float[] target = changing(1400, 1), pred = resonance(900, 3);
        double one = new RecogniserFeatureLoss(RATE, frontEnd(1)).compute(pred, target, null, 1);
        double two = new RecogniserFeatureLoss(RATE, frontEnd(2)).compute(pred, target, null, 1);
        assertEquals(one / 2, two, 1e-9 * one);
        // a deviation is per feature: making only the delta-deltas' huge takes their share out
        double[] sigma = frontEnd(1).sigma();
        Arrays.fill(sigma, 26, 39, 1e9);
        RecogniserFeatureLoss.FrontEnd noDd = new RecogniserFeatureLoss.FrontEnd(130, 6800, 25, 22, sigma);
        double without = new RecogniserFeatureLoss(RATE, noDd).compute(pred, target, null, 1);
        assertTrue(without < 0.9 * one && without > 0.2 * one, "without delta-deltas " + without + " of " + one);
    }

    @Test
    void gradientMatchesCentralDifferences() {
        RecogniserFeatureLoss loss = new RecogniserFeatureLoss(RATE, frontEnd(1));
        float[] target = changing(1400, 1), pred = resonance(900, 3);
        SampleGradCheck.checkLoss(loss::compute, pred, target, 2.5f, 40, 13, v -> Math.max(1e-5f, Math.abs((float) v) * 1e-3f), 30);
    }

    @Test
    void badInputIsRefusedByName() {
        RecogniserFeatureLoss loss = new RecogniserFeatureLoss(RATE, frontEnd(1));
        var e = assertThrows(IllegalArgumentException.class, () -> loss.compute(new float[100], new float[101], null, 1));
        assertTrue(e.getMessage().contains("100") && e.getMessage().contains("101"), e.getMessage());
        double[] sigma = frontEnd(1).sigma();
        sigma[17] = 0;
        e = assertThrows(IllegalArgumentException.class, () -> new RecogniserFeatureLoss.FrontEnd(130, 6800, 25, 22, sigma));
        assertTrue(e.getMessage().contains("feature 17"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RecogniserFeatureLoss(16000, new RecogniserFeatureLoss.FrontEnd(130, 9000, 25, 22, frontEnd(1).sigma())));
        assertTrue(e.getMessage().contains("9000"), e.getMessage());
        // a signal shorter than a window still has one frame and no dynamics: finite, and zero for equal inputs
        float[] shortClip = Arrays.copyOf(resonance(700, 1), 300);
        assertEquals(0, loss.compute(shortClip, shortClip, new float[300], 1), 0);
    }
}
