package dev.qwenomni.tensor;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** bfloat16 rounding: nearest with ties to even, IEEE special values, and the vector paths equal to the scalar one. */
class Bf16Test {
    // bf16 keeps 7 mantissa bits: its unit in the last place at 1.0 is 2^-7
    static final float ULP1 = 0x1p-7f;

    @Test
    void roundsToNearestWithTiesToEven() {
        assertEquals(1f, Bf16.round(1f + ULP1 / 2), "tie between 1 (even) and 1 + ulp rounds to 1");
        assertEquals(1f + 2 * ULP1, Bf16.round(1f + 1.5f * ULP1), "tie between 1 + ulp (odd) and 1 + 2 ulp rounds to 1 + 2 ulp");
        assertEquals(1f + ULP1, Bf16.round(1f + 0.75f * ULP1), "above the tie rounds up");
        assertEquals(1f, Bf16.round(1f + 0.25f * ULP1), "below the tie rounds down");
        assertEquals(-1f - 2 * ULP1, Bf16.round(-1f - 1.5f * ULP1), "negative ties go to even too");
        assertEquals((short) 0x3F80, Bf16.bits(1f));
        assertEquals((short) 0xC000, Bf16.bits(-2f));
    }

    @Test
    void keepsSpecialValuesAndOverflowsToInfinity() {
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertTrue(Float.isNaN(Bf16.round(Float.intBitsToFloat(0x7F800001))), "a NaN whose payload sits in the dropped bits stays NaN");
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.POSITIVE_INFINITY));
        assertEquals(Float.NEGATIVE_INFINITY, Bf16.round(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.MAX_VALUE), "past the largest bf16, round to nearest gives infinity");
        assertEquals(0f, Bf16.round(0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Bf16.round(-0f)), "negative zero keeps its sign");
    }

    @Test
    void relativeErrorIsAtMostHalfAnUlp() {
        Random r = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
            assertTrue(Math.abs(Bf16.round(x) - x) <= 0x1p-8 * Math.abs(x), () -> "x " + x);
        }
    }

    @Test
    void vectorPathsEqualTheScalarOneBitForBit() {
        Random r = new Random(2);
        int n = 1037; // not a multiple of any vector length: the tails run too
        INDArray x = Tensors.zeros(n);
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = switch (i % 7) {
                case 0 -> Float.intBitsToFloat(r.nextInt()); // any bit pattern: NaNs, infinities, subnormals
                case 1 -> 1f + (r.nextInt(256) + 0.5f) * ULP1; // exact ties
                default -> (float) r.nextGaussian();
            };
            Kernels.set(Tensors.seg(x), i, xs[i]);
        }
        INDArray b = Nd4j.create(DataType.BFLOAT16, n);
        Bf16.fromFloats(Tensors.seg(x), Tensors.segBf16(b), n);
        Bf16.roundInPlace(Tensors.seg(x), n);
        for (int i = 0; i < n; i++) {
            short want = Bf16.bits(xs[i]);
            assertEquals(want, Tensors.segBf16(b).getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i), "bits of element " + i);
            assertEquals(Float.floatToRawIntBits(Bf16.toFloat(want)), Float.floatToRawIntBits(Kernels.get(Tensors.seg(x), i)), "rounded element " + i);
        }
    }

    @Test
    void scaledAccumulateMatchesScalarAndBetaZeroIgnoresOldValues() {
        int n = 101;
        INDArray src = Nd4j.create(DataType.BFLOAT16, n), dst = Tensors.zeros(n), dst0 = Tensors.zeros(n);
        Random r = new Random(3);
        float[] s = new float[n], d = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = Bf16.round((float) r.nextGaussian());
            d[i] = (float) r.nextGaussian();
            Tensors.segBf16(src).setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i, Bf16.bits(s[i]));
            Kernels.set(Tensors.seg(dst), i, d[i]);
            Kernels.set(Tensors.seg(dst0), i, Float.NaN);
        }
        Bf16.axpbyInto(Tensors.segBf16(src), Tensors.seg(dst), n, 0.5f, 2f);
        Bf16.axpbyInto(Tensors.segBf16(src), Tensors.seg(dst0), n, 3f, 0f);
        for (int i = 0; i < n; i++) {
            assertEquals(Math.fma(2f, d[i], 0.5f * s[i]), Kernels.get(Tensors.seg(dst), i), 1e-6f * (1 + Math.abs(d[i])), "element " + i);
            assertEquals(3f * s[i], Kernels.get(Tensors.seg(dst0), i), "element " + i + " with beta 0");
        }
    }
}
