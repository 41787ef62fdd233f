package dev.qwenomni.tensor;

import dev.qwenomni.sys.CpuFeatures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The gemm variants against a float64 reference: float32 exactly as before, bf16 (emulated, and
 * oneDNN where the CPU has it) as the product of bf16-rounded operands, rounded once to bf16.
 */
class GemmVariantsTest {
    static final int M = 37, K = 300, N = 29;

    /** op(a) [M, K] and op(b) [K, N], stored transposed when asked. */
    record Operands(INDArray a, INDArray b, INDArray c0, double[][] ref, double[][] refRounded) {}

    static Operands operands(boolean ta, boolean tb, long seed) {
        Random r = new Random(seed);
        INDArray a = ta ? Tensors.zeros(K, M) : Tensors.zeros(M, K), b = tb ? Tensors.zeros(N, K) : Tensors.zeros(K, N);
        INDArray c0 = Tensors.zeros(M, N);
        for (INDArray x : new INDArray[]{a, b, c0})
            for (long i = 0; i < x.length(); i++) Kernels.set(Tensors.seg(x), i, (float) r.nextGaussian());
        double[][] ref = new double[M][N], refRounded = new double[M][N];
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
                for (int k = 0; k < K; k++) {
                    float av = ta ? a.getFloat(k, i) : a.getFloat(i, k), bv = tb ? b.getFloat(j, k) : b.getFloat(k, j);
                    ref[i][j] += (double) av * bv;
                    refRounded[i][j] += (double) Bf16.round(av) * Bf16.round(bv);
                }
        return new Operands(a, b, c0, ref, refRounded);
    }

    @ParameterizedTest
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void float32MatchesTheFloat64Reference(boolean ta, boolean tb) {
        Operands o = operands(ta, tb, 1);
        INDArray c = o.c0().dup();
        Fp32Gemm.INSTANCE.gemm(o.a(), o.b(), c, ta, tb, 0.5, 2.0);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
                assertEquals(0.5 * o.ref()[i][j] + 2 * o.c0().getFloat(i, j), c.getFloat(i, j), 1e-4, "c[" + i + "," + j + "]");
    }

    @ParameterizedTest
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void emulatedBf16IsTheRoundedProductOfRoundedOperands(boolean ta, boolean tb) {
        checkBf16(new Bf16EmulatedGemm(), ta, tb);
    }

    @ParameterizedTest
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void oneDnnBf16IsTheRoundedProductOfRoundedOperands(boolean ta, boolean tb) {
        Assumptions.assumeTrue(Bf16OneDnnGemm.available(), "this CPU or ND4J build has no bf16 matmul: " + Precision.BF16.describe());
        checkBf16(new Bf16OneDnnGemm(), ta, tb);
    }

    private static void checkBf16(Gemm g, boolean ta, boolean tb) {
        Operands o = operands(ta, tb, 2);
        INDArray c = o.c0().dup();
        g.gemm(o.a(), o.b(), c, ta, tb, 0.5, 2.0);
        double errVsFp32 = 0, scale = 0;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                double p = o.refRounded()[i][j];
                double want = 0.5 * p + 2 * o.c0().getFloat(i, j);
                // the product is rounded once to bf16 (half an ulp, 2^-9 relative) after a float32 sum
                // of K terms (its own rounding is far below that)
                assertEquals(want, c.getFloat(i, j), 0.5 * (0x1p-8 * Math.abs(p) + 1e-5 * Math.sqrt(K)), g.name() + " c[" + i + "," + j + "]");
                errVsFp32 += Math.pow(c.getFloat(i, j) - (0.5 * o.ref()[i][j] + 2 * o.c0().getFloat(i, j)), 2);
                scale += o.ref()[i][j] * o.ref()[i][j] * 0.25;
            }
        // against exact float32 products: the operands' rounding (2^-9 each, random signs) dominates
        double rel = Math.sqrt(errVsFp32 / scale);
        assertTrue(rel < 1e-2, g.name() + " relative error against float32 " + rel);
        assertTrue(rel > 1e-4, g.name() + " really rounds (relative error " + rel + ")");
    }

    @Test
    void bf16IntoANonContiguousOutputWritesOnlyThatView() {
        Operands o = operands(false, false, 3);
        INDArray wide = Tensors.zeros(M, 2 * N);
        INDArray left = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, N));
        new Bf16EmulatedGemm().gemm(o.a(), o.b(), left, false, false, 1, 0);
        for (int i = 0; i < M; i++) {
            assertEquals(o.refRounded()[i][3], wide.getFloat(i, 3), 0x1p-8 * Math.abs(o.refRounded()[i][3]) + 1e-3);
            assertEquals(0f, wide.getFloat(i, N + 3), "the other half stays untouched");
        }
    }

    @Test
    void hardwareBf16IsUsedExactlyWhereTheCpuAndTheNd4jBuildHaveIt() {
        // the probe runs a product and compares it with the emulation: a broken oneDNN path on a bf16 CPU fails here
        assertEquals(CpuFeatures.hasBf16Matmul() && Bf16OneDnnGemm.hasOneDnn(), Bf16OneDnnGemm.available(), Precision.BF16.describe());
        assertEquals(Bf16OneDnnGemm.available() ? Precision.BF16 : Precision.FP32, Precision.parse("auto"));
    }

    @Test
    void theNd4jBuildLoadedIsTheOneTheLauncherChose() {
        String ext = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        assertEquals(ext.contains("onednn"), Bf16OneDnnGemm.hasOneDnn(), "platform extension '" + ext + "'");
    }

    @Test
    void autocastScopesNestAndRestore() {
        assertEquals("fp32", Autocast.current().name());
        try (var outer = Autocast.enter(Precision.BF16)) {
            assertTrue(Autocast.current().name().startsWith("bf16"));
            try (var inner = Autocast.enter(Precision.FP32)) {
                assertEquals("fp32", Autocast.current().name());
            }
            assertTrue(Autocast.current().name().startsWith("bf16"));
        }
        assertEquals("fp32", Autocast.current().name());
    }

    @Test
    void unknownPrecisionNamesTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8"));
        assertEquals("unknown precision 'fp8' (fp32, bf16 or auto)", e.getMessage());
    }
}
