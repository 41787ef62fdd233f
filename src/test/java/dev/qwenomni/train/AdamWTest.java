package dev.qwenomni.train;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused AdamW kernel against a plain double-precision transcription of the update; frozen parameters left out. */
class AdamWTest {
    @Test
    void frozenParametersStayPutAndLeaveTheGradientNormAlone() {
        ParamStore ps = new ParamStore();
        ParamStore.Param a = ps.add("a", true, 3), b = ps.add("b", true, 2);
        ps.allocate();
        for (int i = 0; i < 3; i++) Kernels.set(a.g(), i, 2f);  // |g_a|^2 = 12
        for (int i = 0; i < 2; i++) { Kernels.set(b.g(), i, 3f); Kernels.set(b.v, i, 1f); }  // |g_b|^2 = 18
        assertEquals(Math.sqrt(30), ps.gradNorm(), 1e-9);
        b.frozen = true;
        assertEquals(Math.sqrt(12), ps.gradNorm(), 1e-9, "a frozen parameter's gradient does not count");
        new AdamW(0.9f, 0.95f, 1e-8f, 0.1f).step(ps, 0.01f, 1, 1f);
        for (int i = 0; i < 2; i++) assertEquals(1f, Kernels.get(b.v, i), "frozen b[" + i + "]");
        assertEquals(-0.01f, Kernels.get(a.v, 0), 1e-4f, "a trains");
    }

    @Test
    void matchesReferenceUpdateWithDecayOnlyWhereMarked() {
        ParamStore ps = new ParamStore();
        ParamStore.Param w = ps.add("w", true, 37), n = ps.add("norm", false, 5);
        ps.allocate();
        java.util.Random r = new java.util.Random(1);
        int total = 42;
        double[] p = new double[total], m = new double[total], v = new double[total];
        for (int i = 0; i < 37; i++) { p[i] = r.nextGaussian(); Kernels.set(w.v, i, (float) p[i]); }
        for (int i = 0; i < 5; i++) { p[37 + i] = 1 + r.nextGaussian(); Kernels.set(n.v, i, (float) p[37 + i]); }
        AdamW adam = new AdamW(0.9f, 0.95f, 1e-8f, 0.1f);
        for (int step = 1; step <= 3; step++) {
            double[] g = new double[total];
            for (int i = 0; i < total; i++) g[i] = r.nextGaussian();
            for (int i = 0; i < 37; i++) Kernels.set(w.g(), i, (float) g[i]);
            for (int i = 0; i < 5; i++) Kernels.set(n.g(), i, (float) g[37 + i]);
            double lr = 0.01, scale = 0.5;
            adam.step(ps, (float) lr, step, (float) scale);
            for (int i = 0; i < total; i++) {
                double gi = g[i] * scale;
                m[i] = 0.9 * m[i] + 0.1 * gi;
                v[i] = 0.95 * v[i] + 0.05 * gi * gi;
                double mh = m[i] / (1 - Math.pow(0.9, step)), vh = v[i] / (1 - Math.pow(0.95, step));
                double wd = i < 37 ? 0.1 : 0.0;
                p[i] -= lr * (mh / (Math.sqrt(vh) + 1e-8) + wd * p[i]);
            }
        }
        for (int i = 0; i < 37; i++) assertEquals(p[i], Kernels.get(w.v, i), 1e-5, "w[" + i + "]");
        for (int i = 0; i < 5; i++) assertEquals(p[37 + i], Kernels.get(n.v, i), 1e-5, "norm[" + i + "]");
    }
}
