package dev.qwenomni.nn;

import dev.qwenomni.tensor.Autocast;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * How dense (groups = 1) convolutions and transposed convolutions are computed. DIRECT is the
 * loop nest of {@link Conv1d} / {@link ConvTranspose1d} (the reference); GEMM lowers them to one
 * ND4J matrix product each (im2col / col2im around it). Grouped and depthwise convolutions always
 * use the direct loops, whose inner loop runs along time.
 */
public enum ConvKernel {
    DIRECT, GEMM;

    public static ConvKernel parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown conv kernel '" + s + "' (direct or gemm)");
        }
    }

    /**
     * Off-heap operand buffers, one per role (A, B, C) and thread, grown to the largest product
     * seen and viewed at each call's shape: building an INDArray from a float[] (Nd4j.create
     * copies element by element through its indexer) and reading one back (asFloat) took over a
     * third of a codec training step; a bulk copy into a kept buffer takes a memcpy. One buffer
     * per role (not per shape) keeps memory bounded when clip lengths vary.
     */
    private static final ThreadLocal<INDArray[]> BUFFERS = ThreadLocal.withInitial(() -> new INDArray[3]);

    private static INDArray buffer(int role, int rows, int cols) {
        INDArray[] b = BUFFERS.get();
        long n = (long) rows * cols;
        if (b[role] == null || b[role].length() < n) b[role] = Tensors.zeros(Math.max(n, b[role] == null ? 0 : b[role].length() * 3 / 2));
        return Tensors.view(b[role], 0, rows, cols);
    }

    static INDArray mat(int role, float[] a, int rows, int cols) {
        INDArray m = buffer(role, rows, cols);
        java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofArray(a), 0, Tensors.seg(m), 0, (long) rows * cols * Float.BYTES);
        return m;
    }

    /** op(a) [m, k] times op(b) [k, n] into a new float[m * n] (row-major), through ND4J gemm. */
    public static float[] gemm(float[] a, int m, int k, boolean ta, float[] b, int n, boolean tb) {
        INDArray A = ta ? mat(0, a, k, m) : mat(0, a, m, k), B = tb ? mat(1, b, n, k) : mat(1, b, k, n), C = buffer(2, m, n);
        Autocast.gemm(A, B, C, ta, tb, 1.0, 0.0);
        float[] c = new float[m * n];
        java.lang.foreign.MemorySegment.copy(Tensors.seg(C), 0, java.lang.foreign.MemorySegment.ofArray(c), 0, (long) m * n * Float.BYTES);
        return c;
    }

    // ---------------------------------------------------------------- Conv1d, groups = 1

    /** A pointwise conv (k 1, stride 1, no padding): its input is already the column matrix. */
    static boolean pointwise(Conv1d c) { return c.k == 1 && c.stride == 1 && c.padding == 0; }

    static float[] im2col(Conv1d c, float[] x, int T, int To) {
        if (pointwise(c)) return x;
        int rows = c.cin * c.k;
        float[] col = new float[rows * To];
        for (int ci = 0; ci < c.cin; ci++)
            for (int kk = 0; kk < c.k; kk++) {
                int off = kk * c.dilation - c.padding, r = (ci * c.k + kk) * To;
                for (int t = 0; t < To; t++) {
                    int src = t * c.stride + off;
                    if (src >= 0 && src < T) col[r + t] = x[ci * T + src];
                }
            }
        return col;
    }

    static float[] convForward(Conv1d c, float[] x, int T, float[] w, float[] bias) {
        int To = c.outLength(T);
        float[] y = gemm(w, c.cout, c.cin * c.k, false, im2col(c, x, T, To), To, false);
        if (bias != null) for (int co = 0; co < c.cout; co++) for (int t = 0; t < To; t++) y[co * To + t] += bias[co];
        return y;
    }

    static float[] convBackward(Conv1d c, float[] dy, float[] x, int T, float[] w, float[] dw, float[] db) {
        int To = c.outLength(T), rows = c.cin * c.k;
        if (dw != null) {
            float[] col = im2col(c, x, T, To);
            float[] dwNew = gemm(dy, c.cout, To, false, col, rows, true);
            for (int i = 0; i < dwNew.length; i++) dw[i] += dwNew[i];
        }
        if (db != null) for (int co = 0; co < c.cout; co++) { float s = 0; for (int t = 0; t < To; t++) s += dy[co * To + t]; db[co] += s; }
        float[] dcol = gemm(w, rows, c.cout, true, dy, To, false);
        if (pointwise(c)) return dcol;
        float[] dx = new float[c.cin * T];
        for (int ci = 0; ci < c.cin; ci++)
            for (int kk = 0; kk < c.k; kk++) {
                int off = kk * c.dilation - c.padding, r = (ci * c.k + kk) * To;
                for (int t = 0; t < To; t++) {
                    int src = t * c.stride + off;
                    if (src >= 0 && src < T) dx[ci * T + src] += dcol[r + t];
                }
            }
        return dx;
    }

    // ---------------------------------------------------------------- ConvTranspose1d

    /** W [Cin, Cout*K] transposed times X [Cin, T] gives columns [Cout*K, T]; col2im scatters them. */
    static float[] convTForward(ConvTranspose1d c, float[] x, int T, float[] w, float[] bias) {
        int To = c.outLength(T), rows = c.cout * c.k;
        float[] col = gemm(w, rows, c.cin, true, x, T, false);
        float[] y = new float[c.cout * To];
        if (bias != null) for (int co = 0; co < c.cout; co++) java.util.Arrays.fill(y, co * To, (co + 1) * To, bias[co]);
        for (int co = 0; co < c.cout; co++)
            for (int kk = 0; kk < c.k; kk++) {
                int r = (co * c.k + kk) * T;
                for (int t = 0; t < T; t++) {
                    int o = t * c.stride + kk - c.padding;
                    if (o >= 0 && o < To) y[co * To + o] += col[r + t];
                }
            }
        return y;
    }

    static float[] convTBackward(ConvTranspose1d c, float[] dy, float[] x, int T, float[] w, float[] dw, float[] db) {
        int To = c.outLength(T), rows = c.cout * c.k;
        float[] dcol = new float[rows * T];
        for (int co = 0; co < c.cout; co++)
            for (int kk = 0; kk < c.k; kk++) {
                int r = (co * c.k + kk) * T;
                for (int t = 0; t < T; t++) {
                    int o = t * c.stride + kk - c.padding;
                    if (o >= 0 && o < To) dcol[r + t] = dy[co * To + o];
                }
            }
        if (db != null) for (int co = 0; co < c.cout; co++) { float s = 0; for (int t = 0; t < To; t++) s += dy[co * To + t]; db[co] += s; }
        float[] dwNew = gemm(x, c.cin, T, false, dcol, rows, true);
        for (int i = 0; i < dwNew.length; i++) dw[i] += dwNew[i];
        return gemm(w, c.cin, rows, false, dcol, T, false);
    }
}
