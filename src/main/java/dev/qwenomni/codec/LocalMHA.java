package dev.qwenomni.codec;

import dev.qwenomni.nn.ConvKernel;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;

/**
 * SNAC's windowed self-attention (the 32/44 kHz configs): LayerNorm over channels (eps 1e-5),
 * one bias-free projection to q, k, v, heads of 64 channels, non-overlapping windows of `window`
 * frames with no mask, rotary embedding of the in-window position (half-split, the inverse
 * frequencies are the state dict's rel_pos.inv_freq buffer), softmax(q k^T / sqrt(d)) v, a
 * bias-free output projection and the residual. Input and output [C][T], T a multiple of window.
 */
final class LocalMHA implements Module {
    static final int HEAD_DIM = 64;
    final int dim, window, headDim, heads;
    final Param normW, normB, qkv, out, invFreq;
    // forward state for backward
    private float[] x, xhat, rstd, xn, q, k, v, p, att;
    private int T;

    LocalMHA(ParamStore s, String prefix, int dim, int window, int headDim) {
        if (dim % headDim != 0) throw new IllegalArgumentException(prefix + ": dim " + dim + " is not a multiple of the head size " + headDim);
        this.dim = dim; this.window = window; this.headDim = headDim; this.heads = dim / headDim;
        normW = s.add(prefix + ".norm.weight", false, dim);
        normB = s.add(prefix + ".norm.bias", false, dim);
        qkv = s.add(prefix + ".to_qkv.weight", true, 3L * dim, dim);
        out = s.add(prefix + ".to_out.weight", true, dim, dim);
        invFreq = s.add(prefix + ".rel_pos.inv_freq", false, headDim / 2); // a buffer: loaded, never trained
    }

    /** The buffer's values: 10000^(-2i/headDim). */
    static float[] defaultInvFreq(int headDim) {
        float[] f = new float[headDim / 2];
        for (int i = 0; i < f.length; i++) f[i] = (float) (1.0 / Math.pow(10000, 2.0 * i / headDim));
        return f;
    }

    @Override public int outLength(int T) { return T; }

    @Override
    public int[] inputRange(int lo, int hi) {
        return new int[]{Math.floorDiv(lo, window) * window, (Math.floorDiv(hi, window) + 1) * window - 1};
    }

    @Override
    public float[] forward(float[] x, int T) {
        if (T % window != 0) throw new IllegalArgumentException("LocalMHA needs a length that is a multiple of its window " + window + ", got " + T);
        this.x = x; this.T = T;
        int C = dim;
        float[] w = Layers.read(normW), b = Layers.read(normB);
        xhat = new float[C * T]; rstd = new float[T]; xn = new float[C * T];
        for (int t = 0; t < T; t++) {
            double mean = 0, var = 0;
            for (int c = 0; c < C; c++) mean += x[c * T + t];
            mean /= C;
            for (int c = 0; c < C; c++) { double d = x[c * T + t] - mean; var += d * d; }
            float r = (float) (1 / Math.sqrt(var / C + 1e-5));
            rstd[t] = r;
            for (int c = 0; c < C; c++) {
                float h = (float) ((x[c * T + t] - mean) * r);
                xhat[c * T + t] = h;
                xn[c * T + t] = h * w[c] + b[c];
            }
        }
        float[] qkvOut = ConvKernel.gemm(Layers.read(qkv), 3 * C, C, false, xn, T, false);
        q = java.util.Arrays.copyOfRange(qkvOut, 0, C * T);
        k = java.util.Arrays.copyOfRange(qkvOut, C * T, 2 * C * T);
        v = java.util.Arrays.copyOfRange(qkvOut, 2 * C * T, 3 * C * T);
        float[] f = Layers.read(invFreq);
        rotate(q, f, false);
        rotate(k, f, false);
        int W = window, nw = T / W;
        float scale = (float) (1 / Math.sqrt(headDim));
        p = new float[heads * nw * W * W];
        att = new float[C * T];
        for (int h = 0; h < heads; h++)
            for (int win = 0; win < nw; win++) {
                int base = (h * nw + win) * W * W, t0 = win * W;
                for (int n = 0; n < W; n++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int m = 0; m < W; m++) {
                        float s = 0;
                        for (int d = 0; d < headDim; d++) { int c = h * headDim + d; s += q[c * T + t0 + n] * k[c * T + t0 + m]; }
                        s *= scale;
                        p[base + n * W + m] = s;
                        max = Math.max(max, s);
                    }
                    float sum = 0;
                    for (int m = 0; m < W; m++) { float e = (float) Math.exp(p[base + n * W + m] - max); p[base + n * W + m] = e; sum += e; }
                    for (int m = 0; m < W; m++) p[base + n * W + m] /= sum;
                    for (int d = 0; d < headDim; d++) {
                        int c = h * headDim + d;
                        float a = 0;
                        for (int m = 0; m < W; m++) a += p[base + n * W + m] * v[c * T + t0 + m];
                        att[c * T + t0 + n] = a;
                    }
                }
            }
        float[] y = ConvKernel.gemm(Layers.read(out), C, C, false, att, T, false);
        for (int i = 0; i < y.length; i++) y[i] += x[i];
        return y;
    }

    /** Rotary embedding of the in-window position, per head, in place (inverse = the backward). */
    private void rotate(float[] a, float[] invFreq, boolean inverse) {
        int half = headDim / 2;
        for (int t = 0; t < T; t++) {
            int pos = t % window;
            for (int i = 0; i < half; i++) {
                double ang = pos * (double) invFreq[i];
                float cs = (float) Math.cos(ang), sn = (float) (inverse ? -Math.sin(ang) : Math.sin(ang));
                for (int h = 0; h < heads; h++) {
                    int c1 = h * headDim + i, c2 = c1 + half;
                    float x1 = a[c1 * T + t], x2 = a[c2 * T + t];
                    a[c1 * T + t] = x1 * cs - x2 * sn;
                    a[c2 * T + t] = x2 * cs + x1 * sn;
                }
            }
        }
    }

    @Override
    public float[] backward(float[] dy) {
        int C = dim, W = window, nw = T / W;
        float scale = (float) (1 / Math.sqrt(headDim));
        Layers.addGrad(out, ConvKernel.gemm(dy, C, T, false, att, C, true));
        float[] dAtt = ConvKernel.gemm(Layers.read(out), C, C, true, dy, T, false);
        float[] dq = new float[C * T], dk = new float[C * T], dv = new float[C * T];
        float[] dp = new float[W];
        for (int h = 0; h < heads; h++)
            for (int win = 0; win < nw; win++) {
                int base = (h * nw + win) * W * W, t0 = win * W;
                for (int n = 0; n < W; n++) {
                    float dot = 0;
                    for (int m = 0; m < W; m++) {
                        float pm = p[base + n * W + m], g = 0;
                        for (int d = 0; d < headDim; d++) {
                            int c = h * headDim + d;
                            float da = dAtt[c * T + t0 + n];
                            dv[c * T + t0 + m] += pm * da;
                            g += da * v[c * T + t0 + m];
                        }
                        dp[m] = g;
                        dot += pm * g;
                    }
                    for (int m = 0; m < W; m++) {
                        float ds = p[base + n * W + m] * (dp[m] - dot) * scale;
                        for (int d = 0; d < headDim; d++) {
                            int c = h * headDim + d;
                            dq[c * T + t0 + n] += ds * k[c * T + t0 + m];
                            dk[c * T + t0 + m] += ds * q[c * T + t0 + n];
                        }
                    }
                }
            }
        float[] f = Layers.read(invFreq);
        rotate(dq, f, true);
        rotate(dk, f, true);
        float[] dqkv = new float[3 * C * T];
        System.arraycopy(dq, 0, dqkv, 0, C * T);
        System.arraycopy(dk, 0, dqkv, C * T, C * T);
        System.arraycopy(dv, 0, dqkv, 2 * C * T, C * T);
        Layers.addGrad(qkv, ConvKernel.gemm(dqkv, 3 * C, T, false, xn, C, true));
        float[] dxn = ConvKernel.gemm(Layers.read(qkv), C, 3 * C, true, dqkv, T, false);
        // LayerNorm backward, plus the residual
        float[] w = Layers.read(normW), dw = new float[C], db = new float[C], dx = dy.clone();
        for (int t = 0; t < T; t++) {
            double mg = 0, mgx = 0;
            for (int c = 0; c < C; c++) {
                float g = dxn[c * T + t] * w[c];
                mg += g;
                mgx += g * xhat[c * T + t];
                dw[c] += dxn[c * T + t] * xhat[c * T + t];
                db[c] += dxn[c * T + t];
            }
            mg /= C;
            mgx /= C;
            for (int c = 0; c < C; c++)
                dx[c * T + t] += (float) (rstd[t] * (dxn[c * T + t] * w[c] - mg - xhat[c * T + t] * mgx));
        }
        Layers.addGrad(normW, dw);
        Layers.addGrad(normB, db);
        return dx;
    }
}
