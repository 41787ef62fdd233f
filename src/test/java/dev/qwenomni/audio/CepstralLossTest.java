package dev.qwenomni.audio;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class CepstralLossTest {
    static final int RATE = PitchTrackerTest.RATE, N = 12288;

    /** Noise through a resonance at {@code hz}: a crude vowel-like envelope. */
    static float[] resonance(double hz, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double rho = 0.97, w = 2 * Math.PI * hz / RATE, a1 = 2 * rho * Math.cos(w), a2 = -rho * rho, y1 = 0, y2 = 0;
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            double y = 0.01 * (2 * r.nextDouble() - 1) + a1 * y1 + a2 * y2;
            x[i] = (float) y;
            y2 = y1;
            y1 = y;
        }
        return x;
    }

    @Test
    void theEnvelopeCostsAndTheLevelDoesNot() {
        CepstralLoss loss = new CepstralLoss(RATE);
        float[] target = resonance(700, 1);
        assertEquals(0, loss.compute(target, target, null, 1), 1e-12);
        float[] quieter = target.clone();
        for (int i = 0; i < N; i++) quieter[i] *= 0.3f;
        double level = loss.compute(quieter, target, null, 1);
        // other noise through the same resonance: the same envelope, other fine structure
        double sameEnvelope = loss.compute(resonance(700, 2), target, null, 1);
        double otherFormant = loss.compute(resonance(1400, 2), target, null, 1);
        assertTrue(level < 1e-6, "a gain change moves only c0: " + level);
        assertTrue(otherFormant > 2 * sameEnvelope, "formant moved: " + otherFormant + ", fine structure only: " + sameEnvelope);
    }

    @Test
    void gradientMatchesCentralDifferences() {
        CepstralLoss loss = new CepstralLoss(RATE);
        float[] target = resonance(700, 1), pred = resonance(900, 3);
        SampleGradCheck.checkLoss(loss::compute, pred, target, 1.5f, 40, 11, v -> Math.max(1e-4f, Math.abs((float) v) * 1e-2f), 30);
    }

    @Test
    void silenceUnderTheFloorCostsNothingAndLengthsMustMatch() {
        CepstralLoss loss = new CepstralLoss(RATE);
        float[] target = resonance(700, 1), pred = target.clone();
        // the second half silent in the target, faint noise (70 dB down) in the prediction
        SplittableRandom r = new SplittableRandom(5);
        for (int i = N / 2; i < N; i++) {
            target[i] = 0;
            pred[i] = (float) (3e-5 * (2 * r.nextDouble() - 1));
        }
        assertTrue(loss.compute(pred, target, null, 1) < 0.02, "faint noise in silence: " + loss.compute(pred, target, null, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> loss.compute(new float[100], new float[101], null, 1));
        assertTrue(e.getMessage().contains("100") && e.getMessage().contains("101"), e.getMessage());
    }
}
