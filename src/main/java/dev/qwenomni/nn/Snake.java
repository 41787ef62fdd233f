package dev.qwenomni.nn;

/** Snake activation per channel: y = x + sin^2(alpha x) / (alpha + 1e-9). */
public final class Snake {
    static final float EPS = 1e-9f;

    private Snake() {}

    public static float[] forward(float[] x, int C, int T, float[] alpha) {
        float[] y = new float[x.length];
        for (int c = 0; c < C; c++) {
            float a = alpha[c], inv = 1f / (a + EPS);
            for (int t = c * T; t < (c + 1) * T; t++) {
                float s = (float) Math.sin(a * x[t]);
                y[t] = x[t] + s * s * inv;
            }
        }
        return y;
    }

    /** Returns dx; adds dalpha. */
    public static float[] backward(float[] dy, float[] x, int C, int T, float[] alpha, float[] dalpha) {
        float[] dx = new float[x.length];
        for (int c = 0; c < C; c++) {
            double a = alpha[c], ae = a + EPS, da = 0;
            for (int t = c * T; t < (c + 1) * T; t++) {
                double ax = a * x[t], s = Math.sin(ax), s2 = Math.sin(2 * ax);
                dx[t] = (float) (dy[t] * (1 + (a / ae) * s2));
                da += dy[t] * (-s * s / (ae * ae) + x[t] * s2 / ae);
            }
            dalpha[c] += (float) da;
        }
        return dx;
    }
}
