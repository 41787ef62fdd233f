package dev.qwenomni.codec;

import dev.qwenomni.nn.Conv1d;
import dev.qwenomni.nn.ConvKernel;
import dev.qwenomni.nn.ConvTranspose1d;
import dev.qwenomni.nn.Snake;
import dev.qwenomni.nn.WeightNorm;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;

import java.util.List;
import java.util.function.IntFunction;

/** The codec's building blocks as modules over parameters named as in SNAC's state dict. */
public final class Layers {
    private Layers() {}

    static float[] read(Param p) {
        float[] a = new float[(int) p.size];
        java.lang.foreign.MemorySegment.copy(p.v, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, a, 0, a.length);
        return a;
    }

    static void write(Param p, float[] values) {
        if (values.length != p.size) throw new IllegalStateException(p.name + ": " + values.length + " values for " + p.shapeString());
        java.lang.foreign.MemorySegment.copy(values, 0, p.v, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
    }

    static void addGrad(Param p, float[] g) {
        java.lang.foreign.MemorySegment s = p.g();
        for (int i = 0; i < g.length; i++) Kernels.set(s, i, Kernels.get(s, i) + g[i]);
    }

    /** Adds the gradients of g, v (from dW through the weight norm) and the bias. */
    static void addWeightNormGrads(Param g, Param v, Param b, float[] dw, float[] db) {
        float[] dg = new float[(int) g.size], dv = new float[(int) v.size];
        WeightNorm.backward(dw, read(g), read(v), dg, dv);
        addGrad(g, dg);
        addGrad(v, dv);
        if (b != null) addGrad(b, db);
    }

    /** Declares g (rows, 1, 1) and v under prefix.parametrizations.weight.original0/1, and the bias. */
    static Param[] declareWn(ParamStore s, String prefix, long[] vShape, boolean bias) {
        Param g = s.add(prefix + ".parametrizations.weight.original0", false, vShape[0], 1, 1);
        Param v = s.add(prefix + ".parametrizations.weight.original1", true, vShape);
        Param b = bias ? s.add(prefix + ".bias", false, vShape[0]) : null;
        return new Param[]{g, v, b};
    }

    /** Weight-normed Conv1d. */
    static final class WNConv1d implements Module {
        final Conv1d conv;
        final Param g, v, b;
        private ConvKernel kernel = ConvKernel.GEMM;
        private float[] x, w;
        private int T;

        WNConv1d(ParamStore s, String prefix, int cin, int cout, int k, int stride, int pad, int dil, int groups, boolean bias) {
            conv = new Conv1d(cin, cout, k, stride, pad, dil, groups);
            Param[] p = declareWn(s, prefix, new long[]{cout, cin / groups, k}, bias);
            g = p[0]; v = p[1]; b = p[2];
        }

        @Override public int outLength(int T) { return conv.outLength(T); }

        @Override public void useConvKernel(ConvKernel kernel) { this.kernel = kernel; }

        @Override
        public int[] inputRange(int lo, int hi) {
            return new int[]{lo * conv.stride - conv.padding, hi * conv.stride - conv.padding + conv.dilation * (conv.k - 1)};
        }

        @Override
        public float[] forward(float[] x, int T) {
            this.x = x; this.T = T;
            w = WeightNorm.weight(read(g), read(v));
            return conv.forward(x, T, w, b == null ? null : read(b), kernel);
        }

        @Override
        public float[] backward(float[] dy) {
            float[] dw = new float[w.length], db = b == null ? null : new float[(int) b.size];
            float[] dx = conv.backward(dy, x, T, w, dw, db, kernel);
            addWeightNormGrads(g, v, b, dw, db);
            return dx;
        }
    }

    /** Weight-normed ConvTranspose1d; the norm runs per input channel (v is [in, out, k]). */
    static final class WNConvTranspose1d implements Module {
        final ConvTranspose1d conv;
        final Param g, v, b;
        private ConvKernel kernel = ConvKernel.GEMM;
        private float[] x, w;
        private int T;

        WNConvTranspose1d(ParamStore s, String prefix, int cin, int cout, int k, int stride, int pad, int outPad) {
            conv = new ConvTranspose1d(cin, cout, k, stride, pad, outPad);
            g = s.add(prefix + ".parametrizations.weight.original0", false, cin, 1, 1);
            v = s.add(prefix + ".parametrizations.weight.original1", true, cin, cout, k);
            b = s.add(prefix + ".bias", false, cout);
        }

        @Override public int outLength(int T) { return conv.outLength(T); }

        @Override public void useConvKernel(ConvKernel kernel) { this.kernel = kernel; }

        @Override
        public int[] inputRange(int lo, int hi) {
            // output o = t * stride + k - padding for k in [0, K)
            return new int[]{Math.floorDiv(lo + conv.padding - (conv.k - 1) + conv.stride - 1, conv.stride),
                    Math.floorDiv(hi + conv.padding, conv.stride)};
        }

        @Override
        public float[] forward(float[] x, int T) {
            this.x = x; this.T = T;
            w = WeightNorm.weight(read(g), read(v));
            return conv.forward(x, T, w, read(b), kernel);
        }

        @Override
        public float[] backward(float[] dy) {
            float[] dw = new float[w.length], db = new float[(int) b.size];
            float[] dx = conv.backward(dy, x, T, w, dw, db, kernel);
            addWeightNormGrads(g, v, b, dw, db);
            return dx;
        }
    }

    static final class Snake1d implements Module {
        final Param alpha;
        final int C;
        private float[] x;
        private int T;

        Snake1d(ParamStore s, String prefix, int C) {
            this.C = C;
            alpha = s.add(prefix + ".alpha", false, 1, C, 1);
        }

        @Override public int outLength(int T) { return T; }

        @Override
        public float[] forward(float[] x, int T) {
            this.x = x; this.T = T;
            return Snake.forward(x, C, T, read(alpha));
        }

        @Override
        public float[] backward(float[] dy) {
            float[] da = new float[C];
            float[] dx = Snake.backward(dy, x, C, T, read(alpha), da);
            addGrad(alpha, da);
            return dx;
        }
    }

    static final class Tanh implements Module {
        private float[] y;

        @Override public int outLength(int T) { return T; }

        @Override
        public float[] forward(float[] x, int T) {
            y = new float[x.length];
            for (int i = 0; i < x.length; i++) y[i] = (float) Math.tanh(x[i]);
            return y;
        }

        @Override
        public float[] backward(float[] dy) {
            float[] dx = new float[dy.length];
            for (int i = 0; i < dy.length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
            return dx;
        }
    }

    /** x + block(x): Snake, WNConv1d(k=7, dilation d, padding 3d, groups), Snake, WNConv1d(k=1). */
    static final class ResidualUnit implements Module {
        final Sequential block;

        ResidualUnit(ParamStore s, String prefix, int dim, int dilation, int groups) {
            block = new Sequential(List.of(
                    new Snake1d(s, prefix + ".block.0", dim),
                    new WNConv1d(s, prefix + ".block.1", dim, dim, 7, 1, 3 * dilation, dilation, groups, true),
                    new Snake1d(s, prefix + ".block.2", dim),
                    new WNConv1d(s, prefix + ".block.3", dim, dim, 1, 1, 0, 1, 1, true)));
        }

        @Override public int outLength(int T) { return T; }

        @Override public void useConvKernel(ConvKernel kernel) { block.useConvKernel(kernel); }

        @Override
        public int[] inputRange(int lo, int hi) {
            int[] r = block.inputRange(lo, hi);
            return new int[]{Math.min(lo, r[0]), Math.max(hi, r[1])};
        }

        @Override
        public float[] forward(float[] x, int T) {
            float[] y = block.forward(x, T);
            for (int i = 0; i < y.length; i++) y[i] += x[i];
            return y;
        }

        @Override
        public float[] backward(float[] dy) {
            float[] dx = block.backward(dy);
            for (int i = 0; i < dx.length; i++) dx[i] += dy[i];
            return dx;
        }
    }

    /**
     * x + noise * h(x), h a bias-free 1x1 conv, noise ~ N(0, 1) of shape [T] shared by the channels.
     * The noise comes from a source indexed by absolute sample position (seedable), or is off.
     */
    static final class NoiseBlock implements Module {
        final WNConv1d linear;
        final int C;
        final int index;
        /** Samples at this block's rate per latent frame, for absolute noise positions. */
        final int upsampling;
        /** The current pass's noise and the latent frame it starts at (non-zero only for streaming windows): set per pass by the codec. */
        private NoiseSource noise = NoiseSource.OFF;
        private long startFrame;
        private float[] n;
        private int T;

        NoiseBlock(ParamStore s, String prefix, int C, int index, int upsampling) {
            this.C = C;
            this.index = index;
            this.upsampling = upsampling;
            linear = new WNConv1d(s, prefix + ".linear", C, C, 1, 1, 0, 1, 1, false);
        }

        /** The noise of the next forward, for latent frames from startFrame on. */
        void prepare(NoiseSource noise, long startFrame) {
            this.noise = noise;
            this.startFrame = startFrame;
        }

        @Override public int outLength(int T) { return T; }

        @Override public void useConvKernel(ConvKernel kernel) { linear.useConvKernel(kernel); }

        @Override
        public float[] forward(float[] x, int T) {
            this.T = T;
            if (noise == NoiseSource.OFF) { n = null; return x.clone(); }
            n = noise.sample(index, startFrame * upsampling, T);
            float[] h = linear.forward(x, T), y = x.clone();
            for (int c = 0; c < C; c++) for (int t = 0; t < T; t++) y[c * T + t] += n[t] * h[c * T + t];
            return y;
        }

        @Override
        public float[] backward(float[] dy) {
            if (n == null) return dy.clone();
            float[] dh = new float[dy.length];
            for (int c = 0; c < C; c++) for (int t = 0; t < T; t++) dh[c * T + t] = dy[c * T + t] * n[t];
            float[] dx = linear.backward(dh);
            for (int i = 0; i < dx.length; i++) dx[i] += dy[i];
            return dx;
        }
    }

    /** Builds a Sequential whose i-th module is made by f(i) (keeps indices aligned with SNAC's names). */
    static Sequential seq(int n, IntFunction<Module> f) {
        Module[] m = new Module[n];
        for (int i = 0; i < n; i++) m[i] = f.apply(i);
        return new Sequential(List.of(m));
    }
}
