package dev.qwenomni.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * bfloat16 conversions: the upper 16 bits of a float32, rounded to nearest with ties to even (as
 * PyTorch and oneDNN round). NaN stays a (quiet) NaN; values past the largest bf16 become
 * infinity, as IEEE rounding requires.
 */
public final class Bf16 {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final int L = F.length();
    private static final ByteOrder NO = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FL = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort SL = ValueLayout.JAVA_SHORT_UNALIGNED;

    private Bf16() {}

    /** The bf16 bit pattern nearest to x. */
    public static short bits(float x) {
        int b = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) return (short) ((b >>> 16) | 0x40);
        return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
    }

    public static float toFloat(short bits) { return Float.intBitsToFloat((bits & 0xFFFF) << 16); }

    /** x rounded to the nearest bf16 value, as a float. */
    public static float round(float x) { return toFloat(bits(x)); }

    private static IntVector roundedBits(FloatVector x) {
        IntVector b = x.reinterpretAsInts();
        IntVector r = b.add(b.lanewise(VectorOperators.LSHR, 16).and(1)).add(0x7FFF).lanewise(VectorOperators.LSHR, 16);
        VectorMask<Integer> nan = x.test(VectorOperators.IS_NAN).cast(I);
        return r.blend(b.lanewise(VectorOperators.LSHR, 16).or(0x40), nan);
    }

    /** n floats from src to n bf16 values in dst (2 bytes each). */
    public static void fromFloats(MemorySegment src, MemorySegment dst, long n) {
        long i = 0;
        for (; i + L <= n; i += L) {
            IntVector r = roundedBits(FloatVector.fromMemorySegment(F, src, i * 4, NO));
            ((ShortVector) r.convertShape(VectorOperators.I2S, SH, 0)).intoMemorySegment(dst, i * 2, NO);
        }
        for (; i < n; i++) dst.set(SL, i * 2, bits(src.get(FL, i * 4)));
    }

    /** n floats rounded to bf16 precision in place, kept as floats (the emulation of a bf16 operand). */
    public static void roundInPlace(MemorySegment x, long n) {
        long i = 0;
        for (; i + L <= n; i += L) {
            IntVector r = roundedBits(FloatVector.fromMemorySegment(F, x, i * 4, NO));
            r.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoMemorySegment(x, i * 4, NO);
        }
        for (; i < n; i++) x.set(FL, i * 4, round(x.get(FL, i * 4)));
    }

    /** dst = alpha * src + beta * dst over n values, src bf16; beta 0 ignores what dst held (even NaN). */
    public static void axpbyInto(MemorySegment src, MemorySegment dst, long n, float alpha, float beta) {
        long i = 0;
        for (; i + L <= n; i += L) {
            ShortVector s = ShortVector.fromMemorySegment(SH, src, i * 2, NO);
            FloatVector x = ((IntVector) s.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            if (alpha != 1f) x = x.mul(alpha);
            if (beta != 0f) x = FloatVector.fromMemorySegment(F, dst, i * 4, NO).fma(FloatVector.broadcast(F, beta), x);
            x.intoMemorySegment(dst, i * 4, NO);
        }
        for (; i < n; i++) {
            float x = alpha * toFloat(src.get(SL, i * 2));
            dst.set(FL, i * 4, beta == 0f ? x : Math.fma(beta, dst.get(FL, i * 4), x));
        }
    }
}
