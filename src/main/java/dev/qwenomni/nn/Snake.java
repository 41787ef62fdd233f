package dev.qwenomni.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Snake activation per channel: y = x + sin^2(alpha x) / (alpha + 1e-9). The decoder evaluates
 * it tens of millions of times per second of audio, so the sine is our own vector polynomial
 * (range reduction by pi, odd Taylor series to x^13, error under 2e-7 on the reduced range):
 * built from adds, multiplies and FMAs only, it gives the same bits in the interpreter and in
 * C2, and for an element whatever its position in a vector, which keeps streamed decoding
 * bit-identical to one-shot decoding.
 */
public final class Snake {
    static final float EPS = 1e-9f;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Snake() {}

    private static final float INV_PI = (float) (1 / Math.PI), PI_HI = 3.140625f, PI_LO = (float) (Math.PI - 3.140625);
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds to an integer
    private static final float[] TAYLOR = {1f, -1f / 6, 1f / 120, -1f / 5040, 1f / 362880, -1f / 39916800, 1f / 6227020800f};

    /** sin of every lane, deterministic (see the class comment). Valid for |x| < 2^22. */
    static FloatVector sin(FloatVector x) {
        FloatVector k = x.fma(INV_PI, ROUND).sub(ROUND);                // nearest integer to x / pi
        FloatVector r = k.fma(FloatVector.broadcast(S, -PI_HI), x).add(k.mul(-PI_LO)); // x - k pi, in [-pi/2, pi/2]
        FloatVector r2 = r.mul(r);
        FloatVector p = FloatVector.broadcast(S, TAYLOR[6]);
        for (int i = 5; i >= 0; i--) p = p.fma(r2, FloatVector.broadcast(S, TAYLOR[i]));
        FloatVector s = p.mul(r);
        // (-1)^k: k is an exact small integer, so k - 2 floor(k / 2) is its parity
        FloatVector half = k.mul(0.5f), parity = k.sub(half.add(ROUND).sub(ROUND).mul(2f)); // 0 or +-1
        return s.mul(parity.abs().mul(-2f).add(1f));
    }

    /** Scalar twin of {@link #sin(FloatVector)} on a one-lane path: exactly the same arithmetic. */
    static float sin(float x) {
        float k = Math.fma(x, INV_PI, ROUND) - ROUND;
        float r = Math.fma(k, -PI_HI, x) + k * -PI_LO;
        float r2 = r * r, p = TAYLOR[6];
        for (int i = 5; i >= 0; i--) p = Math.fma(p, r2, TAYLOR[i]);
        float s = p * r;
        float half = k * 0.5f, parity = k - ((half + ROUND) - ROUND) * 2f;
        return s * (Math.abs(parity) * -2f + 1f);
    }

    public static float[] forward(float[] x, int C, int T, float[] alpha) {
        float[] y = new float[x.length];
        for (int c = 0; c < C; c++) {
            float a = alpha[c], inv = 1f / (a + EPS);
            int t = c * T, end = (c + 1) * T;
            for (; t <= end - S.length(); t += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, t);
                FloatVector s = sin(v.mul(a));
                v.add(s.mul(s).mul(inv)).intoArray(y, t);
            }
            for (; t < end; t++) {
                float s = sin(a * x[t]);
                y[t] = x[t] + s * s * inv;
            }
        }
        return y;
    }

    /** Returns dx; adds dalpha. dy/dx = 1 + (a / (a + eps)) sin(2 a x); dy/da = -sin^2(a x) / (a + eps)^2 + x sin(2 a x) / (a + eps). */
    public static float[] backward(float[] dy, float[] x, int C, int T, float[] alpha, float[] dalpha) {
        float[] dx = new float[x.length];
        for (int c = 0; c < C; c++) {
            float a = alpha[c], ae = a + EPS, r = a / ae, inv = 1f / ae, inv2 = inv * inv;
            int t = c * T, end = (c + 1) * T;
            FloatVector acc = FloatVector.zero(S);
            for (; t <= end - S.length(); t += S.length()) {
                FloatVector xv = FloatVector.fromArray(S, x, t), g = FloatVector.fromArray(S, dy, t);
                FloatVector ax = xv.mul(a), s = sin(ax), s2 = sin(ax.mul(2f));
                g.mul(s2.mul(r).add(1f)).intoArray(dx, t);
                acc = g.mul(xv.mul(s2).mul(inv).sub(s.mul(s).mul(inv2))).add(acc);
            }
            // lanes summed in a fixed order (reduceLanes' order differs between interpreter and C2)
            float[] lanes = new float[S.length()];
            acc.intoArray(lanes, 0);
            double da = 0;
            for (float lane : lanes) da += lane;
            for (; t < end; t++) {
                float ax = a * x[t], s = sin(ax), s2 = sin(ax * 2f);
                dx[t] = (float) (dy[t] * (1 + r * s2));
                da += dy[t] * (-s * s * inv2 + x[t] * s2 * inv);
            }
            dalpha[c] += (float) da;
        }
        return dx;
    }
}
