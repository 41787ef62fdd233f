package dev.qwenomni.codec;

import dev.qwenomni.nn.GradCheck;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.Function;

/** Each codec module's backward against central finite differences (tolerance as in GradCheck). */
class CodecGradientTest {
    final Random rnd = new Random(11);

    /** Checks dx and every parameter of the module built by f on input [C][T]. */
    private void check(String what, Function<ParamStore, Module> f, int C, int T) {
        ParamStore s = new ParamStore();
        Module m = f.apply(s);
        s.allocate();
        for (Param p : s.params()) {
            boolean alpha = p.name.endsWith("alpha"), g = p.name.endsWith("original0");
            for (long i = 0; i < p.size; i++)
                Kernels.set(p.v, i, (float) (alpha ? 0.5 + rnd.nextDouble() : g ? 0.5 + rnd.nextDouble() : 0.5 * rnd.nextGaussian()));
        }
        float[] x = new float[C * T];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] y0 = m.forward(x, T);
        float[] r = new float[y0.length];
        for (int i = 0; i < r.length; i++) r[i] = (float) rnd.nextGaussian();
        s.zeroGrads();
        m.forward(x, T);
        float[] dx = m.backward(r.clone());
        MemorySegment xs = MemorySegment.ofArray(x);
        java.util.function.DoubleSupplier loss = () -> {
            float[] y = m.forward(x, T);
            double sum = 0;
            for (int i = 0; i < y.length; i++) sum += (double) y[i] * r[i];
            return sum;
        };
        GradCheck.check(what + " dx", loss, xs, x.length, dx, 60, 1);
        int seed = 2;
        for (Param p : s.params())
            if (!p.name.endsWith("inv_freq")) // a buffer, never trained
                GradCheck.check(what + " " + p.name, loss, p.v, p.size, GradCheck.copy(p.g(), p.size), 40, seed++);
    }

    @Test
    void convolutionsWithStrideDilationGroupsAndWeightNorm() {
        check("conv k7 dil3 depthwise", s -> new Layers.WNConv1d(s, "c", 4, 4, 7, 1, 9, 3, 4, true), 4, 23);
        check("conv k4 stride2 dense", s -> new Layers.WNConv1d(s, "c", 3, 5, 4, 2, 1, 1, 1, true), 3, 17);
        check("conv grouped", s -> new Layers.WNConv1d(s, "c", 4, 6, 3, 1, 1, 1, 2, false), 4, 9);
        check("conv-transpose stride 3 (output padding)", s -> new Layers.WNConvTranspose1d(s, "t", 3, 2, 6, 3, 2, 1), 3, 7);
        check("conv-transpose stride 4", s -> new Layers.WNConvTranspose1d(s, "t", 2, 3, 8, 4, 2, 0), 2, 5);
    }

    @Test
    void snakeResidualUnitNoiseAndTanh() {
        check("snake", s -> new Layers.Snake1d(s, "s", 3), 3, 11);
        check("residual unit", s -> new Layers.ResidualUnit(s, "r", 4, 3, 4), 4, 30);
        check("noise block (noise on)", s -> {
            Layers.NoiseBlock n = new Layers.NoiseBlock(s, "n", 3, 0, 1);
            float[] fixed = new float[13];
            for (int i = 0; i < fixed.length; i++) fixed[i] = (float) Math.sin(i + 1.0);
            n.prepare((block, start, T) -> fixed.clone(), 0); // the same draw on every call, as the finite differences need
            return n;
        }, 3, 13);
        check("tanh", s -> new Layers.Tanh(), 2, 9);
    }

    @Test
    void localAttention() {
        check("LocalMHA (2 heads of 4, windows of 4)", s -> new LocalMHA(s, "a", 8, 4, 4), 8, 12);
    }

    /** Each window attends only within itself: changing window 2's input leaves window 1's output alone. */
    @Test
    void localAttentionStaysInsideItsWindow() {
        ParamStore s = new ParamStore();
        LocalMHA m = new LocalMHA(s, "a", 8, 4, 4);
        s.allocate();
        for (Param p : s.params()) for (long i = 0; i < p.size; i++) Kernels.set(p.v, i, (float) (0.5 * rnd.nextGaussian()));
        float[] x = new float[8 * 12];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] y = m.forward(x, 12);
        float[] x2 = x.clone();
        for (int c = 0; c < 8; c++) x2[c * 12 + 9] += 1f; // window 2 = frames 8-11
        float[] y2 = m.forward(x2, 12);
        for (int c = 0; c < 8; c++)
            for (int t = 0; t < 12; t++) {
                if (t < 8) org.junit.jupiter.api.Assertions.assertEquals(y[c * 12 + t], y2[c * 12 + t], 0f, "frame " + t);
            }
        org.junit.jupiter.api.Assertions.assertNotEquals(y[8], y2[8]);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> m.forward(new float[8 * 10], 10));
    }

    @Test
    void quantizerFromCodesBackward() {
        ParamStore s = new ParamStore();
        VectorQuantizer q = new VectorQuantizer(s, "q", 5, 7, 3, 2);
        s.allocate();
        for (Param p : s.params()) for (long i = 0; i < p.size; i++) Kernels.set(p.v, i, (float) (0.5 + rnd.nextDouble()));
        int[] codes = {3, 0, 3, 6};
        float[] y = q.fromCodes(codes);
        float[] r = new float[y.length];
        for (int i = 0; i < r.length; i++) r[i] = (float) rnd.nextGaussian();
        s.zeroGrads();
        q.fromCodes(codes);
        q.fromCodesBackward(r);
        java.util.function.DoubleSupplier loss = () -> {
            float[] out = q.fromCodes(codes);
            double sum = 0;
            for (int i = 0; i < out.length; i++) sum += (double) out[i] * r[i];
            return sum;
        };
        int seed = 20;
        for (Param p : s.params()) {
            if (p.name.contains("in_proj")) continue; // not on the decode path
            GradCheck.check("vq " + p.name, loss, p.v, p.size, GradCheck.copy(p.g(), p.size), 40, seed++);
        }
    }
}
