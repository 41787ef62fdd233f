package dev.qwenomni.nn;

/**
 * 1-D convolution as torch.nn.Conv1d computes it, on one item, channels-first:
 * y[co, t] = b[co] + sum_{ci in co's group, k} W[co, ci', k] x[ci, t*stride + k*dilation - padding],
 * zero padding, W shaped [Cout, Cin/groups, K]. Direct loops (the reference kernel).
 */
public final class Conv1d {
    public final int cin, cout, k, stride, padding, dilation, groups;

    public Conv1d(int cin, int cout, int k, int stride, int padding, int dilation, int groups) {
        if (cin % groups != 0 || cout % groups != 0)
            throw new IllegalArgumentException("channels " + cin + " -> " + cout + " not divisible by groups " + groups);
        this.cin = cin; this.cout = cout; this.k = k; this.stride = stride; this.padding = padding; this.dilation = dilation; this.groups = groups;
    }

    public int outLength(int T) { return (T + 2 * padding - dilation * (k - 1) - 1) / stride + 1; }

    public float[] forward(float[] x, int T, float[] w, float[] bias, ConvKernel kernel) {
        if (groups == 1 && kernel == ConvKernel.GEMM) return ConvKernel.convForward(this, x, T, w, bias);
        int To = outLength(T), cinG = cin / groups, coutG = cout / groups;
        float[] y = new float[cout * To];
        for (int co = 0; co < cout; co++) {
            int g = co / coutG;
            float b = bias == null ? 0f : bias[co];
            int yo = co * To;
            for (int t = 0; t < To; t++) y[yo + t] = b;
            for (int cl = 0; cl < cinG; cl++) {
                int ci = g * cinG + cl;
                for (int kk = 0; kk < k; kk++) {
                    float wv = w[(co * cinG + cl) * k + kk];
                    int off = kk * dilation - padding, xo = ci * T;
                    // valid t: 0 <= t*stride + off < T
                    int t0 = Math.max(0, ceilDiv(-off, stride)), t1 = Math.min(To, ceilDiv(T - off, stride));
                    if (stride == 1) axpy(wv, x, xo + off, y, yo, t0, t1); // the depthwise case: contiguous, vectorised
                    else for (int t = t0; t < t1; t++) y[yo + t] += wv * x[xo + t * stride + off];
                }
            }
        }
        return y;
    }

    /** Returns dx; adds dW and db (either may be null: not wanted, e.g. a generator's pass through a discriminator). */
    public float[] backward(float[] dy, float[] x, int T, float[] w, float[] dw, float[] db, ConvKernel kernel) {
        if (groups == 1 && kernel == ConvKernel.GEMM) return ConvKernel.convBackward(this, dy, x, T, w, dw, db);
        int To = outLength(T), cinG = cin / groups, coutG = cout / groups;
        float[] dx = new float[cin * T];
        for (int co = 0; co < cout; co++) {
            int g = co / coutG, yo = co * To;
            if (db != null) { float s = 0; for (int t = 0; t < To; t++) s += dy[yo + t]; db[co] += s; }
            for (int cl = 0; cl < cinG; cl++) {
                int ci = g * cinG + cl, xo = ci * T;
                for (int kk = 0; kk < k; kk++) {
                    int wi = (co * cinG + cl) * k + kk;
                    float wv = w[wi], acc = 0;
                    int off = kk * dilation - padding;
                    int t0 = Math.max(0, ceilDiv(-off, stride)), t1 = Math.min(To, ceilDiv(T - off, stride));
                    if (stride == 1) {
                        if (dw != null) acc = dot(dy, yo, x, xo + off, t0, t1);
                        axpy(wv, dy, yo, dx, xo + off, t0, t1);
                    } else {
                        for (int t = t0; t < t1; t++) {
                            float g1 = dy[yo + t];
                            acc += g1 * x[xo + t * stride + off];
                            dx[xo + t * stride + off] += g1 * wv;
                        }
                    }
                    if (dw != null) dw[wi] += acc;
                }
            }
        }
        return dx;
    }

    private static final jdk.incubator.vector.VectorSpecies<Float> S = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;

    /** y[yo + t] += a * x[xo + t] for t in [t0, t1). */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int t0, int t1) {
        var av = jdk.incubator.vector.FloatVector.broadcast(S, a);
        int t = t0, L = S.length();
        for (; t <= t1 - L; t += L)
            jdk.incubator.vector.FloatVector.fromArray(S, x, xo + t).fma(av, jdk.incubator.vector.FloatVector.fromArray(S, y, yo + t))
                    .intoArray(y, yo + t);
        // fma in the tail too: each element gets the same single rounding wherever the vector
        // blocks fall, so a window of a longer signal gives the same bits (streaming depends on it)
        for (; t < t1; t++) y[yo + t] = Math.fma(a, x[xo + t], y[yo + t]);
    }

    /** sum of a[ao + t] * b[bo + t] over t in [t0, t1), in a fixed lane order (deterministic). */
    static float dot(float[] a, int ao, float[] b, int bo, int t0, int t1) {
        var acc = jdk.incubator.vector.FloatVector.zero(S);
        int t = t0, L = S.length();
        for (; t <= t1 - L; t += L)
            acc = jdk.incubator.vector.FloatVector.fromArray(S, a, ao + t).fma(jdk.incubator.vector.FloatVector.fromArray(S, b, bo + t), acc);
        float s = dev.qwenomni.tensor.Kernels.sumLanes(acc);
        for (; t < t1; t++) s += a[ao + t] * b[bo + t];
        return s;
    }

    static int ceilDiv(int a, int b) { return Math.floorDiv(a + b - 1, b); }
}
