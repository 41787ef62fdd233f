package dev.qwenomni.nn;

/**
 * Transposed 1-D convolution as torch.nn.ConvTranspose1d (groups 1, dilation 1):
 * y[co, t*stride + k - padding] += W[ci, co, k] x[ci, t], W shaped [Cin, Cout, K];
 * output length (T - 1) stride - 2 padding + K + outputPadding.
 */
public final class ConvTranspose1d {
    public final int cin, cout, k, stride, padding, outputPadding;

    public ConvTranspose1d(int cin, int cout, int k, int stride, int padding, int outputPadding) {
        this.cin = cin; this.cout = cout; this.k = k; this.stride = stride; this.padding = padding; this.outputPadding = outputPadding;
    }

    public int outLength(int T) { return (T - 1) * stride - 2 * padding + k + outputPadding; }

    public float[] forward(float[] x, int T, float[] w, float[] bias, ConvKernel kernel) {
        if (kernel == ConvKernel.GEMM) return ConvKernel.convTForward(this, x, T, w, bias);
        int To = outLength(T);
        float[] y = new float[cout * To];
        for (int co = 0; co < cout; co++) if (bias != null) java.util.Arrays.fill(y, co * To, (co + 1) * To, bias[co]);
        for (int ci = 0; ci < cin; ci++)
            for (int co = 0; co < cout; co++)
                for (int kk = 0; kk < k; kk++) {
                    float wv = w[(ci * cout + co) * k + kk];
                    int yo = co * To, xo = ci * T;
                    for (int t = 0; t < T; t++) {
                        int o = t * stride + kk - padding;
                        if (o >= 0 && o < To) y[yo + o] += wv * x[xo + t];
                    }
                }
        return y;
    }

    public float[] backward(float[] dy, float[] x, int T, float[] w, float[] dw, float[] db, ConvKernel kernel) {
        if (kernel == ConvKernel.GEMM) return ConvKernel.convTBackward(this, dy, x, T, w, dw, db);
        int To = outLength(T);
        float[] dx = new float[cin * T];
        if (db != null)
            for (int co = 0; co < cout; co++) { float s = 0; for (int t = 0; t < To; t++) s += dy[co * To + t]; db[co] += s; }
        for (int ci = 0; ci < cin; ci++)
            for (int co = 0; co < cout; co++)
                for (int kk = 0; kk < k; kk++) {
                    int wi = (ci * cout + co) * k + kk;
                    float wv = w[wi], acc = 0;
                    int yo = co * To, xo = ci * T;
                    for (int t = 0; t < T; t++) {
                        int o = t * stride + kk - padding;
                        if (o >= 0 && o < To) {
                            acc += dy[yo + o] * x[xo + t];
                            dx[xo + t] += dy[yo + o] * wv;
                        }
                    }
                    dw[wi] += acc;
                }
        return dx;
    }
}
