package dev.qwenomni.nn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gemm-lowered convolutions against the direct reference loops, forward and backward. */
class ConvKernelTest {
    final Random r = new Random(3);

    float[] rand(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static void close(String what, float[] a, float[] b) {
        double e = GradCheck.maxRelErr(a, b);
        assertTrue(e < 1e-5, what + ": rel err " + e);
    }

    @Test
    void conv1dVariantsAgree() {
        int[][] shapes = {{5, 7, 7, 1, 3, 1, 41}, {6, 4, 8, 4, 2, 1, 33}, {3, 3, 7, 1, 27, 9, 60}, {8, 2, 1, 1, 0, 1, 17}};
        for (int[] s : shapes) {
            Conv1d c = new Conv1d(s[0], s[1], s[2], s[3], s[4], s[5], 1);
            int T = s[6];
            float[] x = rand(s[0] * T), w = rand(s[1] * s[0] * s[2]), b = rand(s[1]);
            float[] yd = c.forward(x, T, w, b, ConvKernel.DIRECT), yg = c.forward(x, T, w, b, ConvKernel.GEMM);
            close("conv forward " + java.util.Arrays.toString(s), yg, yd);
            float[] dy = rand(yd.length), dwd = new float[w.length], dwg = new float[w.length], dbd = new float[b.length], dbg = new float[b.length];
            close("conv dx", c.backward(dy, x, T, w, dwg, dbg, ConvKernel.GEMM), c.backward(dy, x, T, w, dwd, dbd, ConvKernel.DIRECT));
            close("conv dW", dwg, dwd);
            close("conv db", dbg, dbd);
        }
    }

    @Test
    void convTransposeVariantsAgree() {
        int[][] shapes = {{6, 3, 16, 8, 4, 0, 9}, {4, 2, 6, 3, 2, 1, 11}, {3, 5, 4, 2, 1, 0, 7}};
        for (int[] s : shapes) {
            ConvTranspose1d c = new ConvTranspose1d(s[0], s[1], s[2], s[3], s[4], s[5]);
            int T = s[6];
            float[] x = rand(s[0] * T), w = rand(s[0] * s[1] * s[2]), b = rand(s[1]);
            float[] yd = c.forward(x, T, w, b, ConvKernel.DIRECT), yg = c.forward(x, T, w, b, ConvKernel.GEMM);
            close("convT forward " + java.util.Arrays.toString(s), yg, yd);
            float[] dy = rand(yd.length), dwd = new float[w.length], dwg = new float[w.length], dbd = new float[b.length], dbg = new float[b.length];
            close("convT dx", c.backward(dy, x, T, w, dwg, dbg, ConvKernel.GEMM), c.backward(dy, x, T, w, dwd, dbd, ConvKernel.DIRECT));
            close("convT dW", dwg, dwd);
            close("convT db", dbg, dbd);
        }
    }
}
