package dev.qwenomni.nn;

import dev.qwenomni.tensor.Kernels;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in float32. The layers compute in float32, so the probe is a
 * scalar loss L = sum(out * r) accumulated in double, with a step eps = 1e-2 on inputs of unit
 * scale: truncation error is O(eps^2) ~ 1e-4 relative, and float rounding of L (about 1e-7 |L|
 * per evaluation) contributes about 1e-7 |L| / eps ~ 1e-5 |L|. The tolerance, 2e-2 on the
 * relative L2 error over the sampled entries, sits well above both and far below the O(1)
 * error of any wrong formula, transposed index or missing term.
 */
public final class GradCheck {
    public static final float EPS = 1e-2f;
    public static final double TOL = 2e-2;

    private GradCheck() {}

    public static void fill(MemorySegment s, long n, Random r, double scale) {
        for (long i = 0; i < n; i++) Kernels.set(s, i, (float) (r.nextGaussian() * scale));
    }

    public static float[] copy(MemorySegment s, long n) {
        float[] a = new float[(int) n];
        for (int i = 0; i < n; i++) a[i] = Kernels.get(s, i);
        return a;
    }

    /** max |a - b| / max |b|: a relative error that does not blow up on near-zero entries. */
    public static double maxRelErr(float[] a, float[] b) {
        assertTrue(a.length == b.length, "lengths " + a.length + " and " + b.length);
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) { num = Math.max(num, Math.abs(a[i] - b[i])); den = Math.max(den, Math.abs(b[i])); }
        return num / Math.max(den, 1e-30);
    }

    /** Sum of out * weights in double: the probe loss. */
    public static double weightedSum(MemorySegment out, float[] weights) {
        double s = 0;
        for (int i = 0; i < weights.length; i++) s += (double) Kernels.get(out, i) * weights[i];
        return s;
    }

    /**
     * Compares the analytic gradient of {@code loss} w.r.t. x[0..n) with central differences on
     * up to {@code samples} entries and asserts the relative L2 error is under TOL.
     */
    public static void check(String what, DoubleSupplier loss, MemorySegment x, long n, float[] analytic, int samples, long seed) {
        check(what, loss, x, n, analytic, samples, seed, EPS);
    }

    /** As above with another step, for losses that are only piecewise smooth (arg-max code choice, L1). */
    public static void check(String what, DoubleSupplier loss, MemorySegment x, long n, float[] analytic, int samples, long seed, float eps) {
        check(what, loss, x, n, analytic, samples, seed, eps, null);
    }

    /**
     * As above, skipping the entries whose probe changes {@code branches} (e.g. which side of its kink every LeakyReLU
     * or |.| input is on), where a difference quotient measures no derivative; at least half must be checked.
     * With branches null every sampled entry is checked.
     */
    public static void check(String what, DoubleSupplier loss, MemorySegment x, long n, float[] analytic, int samples, long seed, float eps,
                             Supplier<?> branches) {
        final float EPS = eps;
        Random r = new Random(seed);
        double num = 0, den = 0;
        int m = (int) Math.min(samples, n), used = 0;
        for (int k = 0; k < m; k++) {
            long i = m == n ? k : (long) (r.nextDouble() * n);
            float x0 = Kernels.get(x, i);
            Object base = branches == null ? null : branches.get();
            Kernels.set(x, i, x0 + EPS);
            double lp = loss.getAsDouble();
            Object bp = branches == null ? null : branches.get();
            Kernels.set(x, i, x0 - EPS);
            double lm = loss.getAsDouble();
            Object bm = branches == null ? null : branches.get();
            Kernels.set(x, i, x0);
            if (branches != null && (!bp.equals(base) || !bm.equals(base))) continue;
            used++;
            double fd = (lp - lm) / (2 * EPS);
            double an = analytic[(int) i];
            num += (fd - an) * (fd - an);
            den += an * an;
        }
        double err = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
        assertTrue(2 * used >= m, what + ": only " + used + " of " + m + " probes stayed clear of a kink");
        assertTrue(err < TOL, what + ": finite-difference relative error " + err + " over " + used + " entries");
        assertTrue(den > 0, what + ": analytic gradient is identically zero on the sampled entries");
    }
}
