package dev.qwenomni.nn;

/**
 * Weight normalisation over every axis but the first: W[o] = g[o] v[o] / ||v[o]|| (no epsilon,
 * as torch's weight_norm). Rows are the first axis: out channels for a conv, in channels for a
 * transposed conv.
 */
public final class WeightNorm {
    private WeightNorm() {}

    public static float[] weight(float[] g, float[] v) {
        int rows = g.length, n = v.length / rows;
        float[] w = new float[v.length];
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int i = r * n; i < (r + 1) * n; i++) ss += (double) v[i] * v[i];
            float s = (float) (g[r] / Math.sqrt(ss));
            for (int i = r * n; i < (r + 1) * n; i++) w[i] = v[i] * s;
        }
        return w;
    }

    /** ||x[r]|| for each of the rows (the first axis) of x. */
    public static float[] rowNorms(float[] x, int rows) {
        int n = x.length / rows;
        float[] norms = new float[rows];
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int i = r * n; i < (r + 1) * n; i++) ss += (double) x[i] * x[i];
            norms[r] = (float) Math.sqrt(ss);
        }
        return norms;
    }

    /** dg += <dW, v> / ||v||; dv += (g / ||v||) dW - (g dg_r / ||v||^2) v, per row. */
    public static void backward(float[] dw, float[] g, float[] v, float[] dg, float[] dv) {
        int rows = g.length, n = v.length / rows;
        for (int r = 0; r < rows; r++) {
            double ss = 0, dot = 0;
            for (int i = r * n; i < (r + 1) * n; i++) { ss += (double) v[i] * v[i]; dot += (double) dw[i] * v[i]; }
            double norm = Math.sqrt(ss), gr = dot / norm;
            dg[r] += (float) gr;
            double a = g[r] / norm, b = g[r] * gr / ss;
            for (int i = r * n; i < (r + 1) * n; i++) dv[i] += (float) (a * dw[i] - b * v[i]);
        }
    }
}
