package dev.qwenomni.nn;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SnakeSinTest {
    @Test
    void polynomialSineIsAccurateAndTheVectorAndScalarPathsAgreeBitForBit() {
        int L = FloatVector.SPECIES_PREFERRED.length();
        float[] xs = new float[L * 4000], out = new float[xs.length];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) ((i - xs.length / 2) * 0.0131);
        for (int i = 0; i < xs.length; i += L) Snake.sin(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, xs, i)).intoArray(out, i);
        double maxErr = 0;
        for (int i = 0; i < xs.length; i++) {
            assertEquals(Float.floatToIntBits(Snake.sin(xs[i])), Float.floatToIntBits(out[i]), "x = " + xs[i]);
            maxErr = Math.max(maxErr, Math.abs(out[i] - Math.sin(xs[i])));
        }
        assertTrue(maxErr < 1e-6, "max |error| " + maxErr + " for |x| up to " + xs[0]);
    }
}
