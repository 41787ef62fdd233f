package dev.qwenomni.nn;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;
import dev.qwenomni.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static dev.qwenomni.nn.GradCheck.*;
import static dev.qwenomni.tensor.Tensors.seg;

/** Every layer's backward against central finite differences (see GradCheck for the tolerance). */
class LayerGradientTest {
    final Random rnd = new Random(42);

    @Test
    void linearWithBias() {
        int N = 5, in = 7, out = 6;
        ParamStore ps = new ParamStore();
        Param w = ps.add("w", true, out, in), b = ps.add("b", false, out);
        ps.allocate();
        fill(w.v, w.size, rnd, 0.5);
        fill(b.v, b.size, rnd, 0.5);
        INDArray x = Tensors.zeros(N, in), y = Tensors.zeros(N, out), dx = Tensors.zeros(N, in), dy = Tensors.zeros(N, out);
        fill(seg(x), x.length(), rnd, 1);
        float[] r = copyRandom(seg(dy), y.length());
        Runnable fwd = () -> Linear.forward(y, x, w, b);
        Linear.forward(y, x, w, b);
        Linear.backward(dx, false, w, b, dy, x);
        check("linear dx", () -> { fwd.run(); return weightedSum(seg(y), r); }, seg(x), x.length(), copy(seg(dx), x.length()), 100, 1);
        check("linear dW", () -> { fwd.run(); return weightedSum(seg(y), r); }, w.v, w.size, copy(w.g(), w.size), 100, 2);
        check("linear db", () -> { fwd.run(); return weightedSum(seg(y), r); }, b.v, b.size, copy(b.g(), b.size), 100, 3);
    }

    @Test
    void embeddingAddsRowsForRepeatedIds() {
        ParamStore ps = new ParamStore();
        Param w = ps.add("e", true, 11, 8);
        ps.allocate();
        fill(w.v, w.size, rnd, 1);
        int[] ids = {3, 0, 3, 10, 7};
        INDArray y = Tensors.zeros(ids.length, 8), dy = Tensors.zeros(ids.length, 8);
        float[] r = copyRandom(seg(dy), dy.length());
        Embedding.backward(w, seg(dy), ids, ids.length);
        check("embedding dW", () -> { Embedding.forward(seg(y), ids, ids.length, w); return weightedSum(seg(y), r); },
                w.v, w.size, copy(w.g(), w.size), 200, 4);
    }

    @Test
    void rmsnorm() {
        int N = 4, C = 37; // odd width exercises the scalar tail
        ParamStore ps = new ParamStore();
        Param w = ps.add("w", false, C);
        ps.allocate();
        fill(w.v, C, rnd, 1);
        INDArray x = Tensors.zeros(N, C), y = Tensors.zeros(N, C), rstd = Tensors.zeros(N), dx = Tensors.zeros(N, C), dy = Tensors.zeros(N, C);
        fill(seg(x), x.length(), rnd, 1);
        float[] r = copyRandom(seg(dy), dy.length());
        RMSNorm.forward(seg(y), seg(rstd), seg(x), w, N, 1e-6f);
        RMSNorm.backward(seg(dx), false, w, seg(dy), seg(x), seg(rstd), N);
        var loss = (java.util.function.DoubleSupplier) () -> { RMSNorm.forward(seg(y), seg(rstd), seg(x), w, N, 1e-6f); return weightedSum(seg(y), r); };
        check("rmsnorm dx", loss, seg(x), x.length(), copy(seg(dx), x.length()), 148, 5);
        check("rmsnorm dw", loss, w.v, C, copy(w.g(), C), C, 6);
    }

    @Test
    void headNormRopeWithAndWithoutNorm() {
        int B = 2, T = 5, H = 3, D = 8;
        Rope rope = new Rope(D, 10000.0, 16);
        for (boolean withNorm : new boolean[]{true, false}) {
            ParamStore ps = new ParamStore();
            Param w = ps.add("n", false, D);
            ps.allocate();
            fill(w.v, D, rnd, 1);
            Param norm = withNorm ? w : null;
            long n = (long) B * T * H * D;
            INDArray in = Tensors.zeros(n), out = Tensors.zeros(n), rstd = Tensors.zeros((long) B * T * H), din = Tensors.zeros(n), dout = Tensors.zeros(n);
            fill(seg(in), n, rnd, 1);
            float[] r = copyRandom(seg(dout), n);
            java.util.function.DoubleSupplier loss = () -> {
                HeadNormRope.forward(seg(out), seg(rstd), seg(in), norm, rope, B, T, H, D, 3, 1e-6f);
                return weightedSum(seg(out), r);
            };
            loss.getAsDouble();
            HeadNormRope.backward(seg(din), seg(dout), seg(in), seg(rstd), norm, rope, B, T, H, D, 3);
            check("q/k norm+rope dIn (norm " + withNorm + ")", loss, seg(in), n, copy(seg(din), n), 240, 7);
            if (withNorm) check("q/k norm weight", loss, w.v, D, copy(w.g(), D), D, 8);
        }
    }

    @Test
    void ropeIsARotationAndMatchesTheFormula() {
        int D = 8;
        Rope rope = new Rope(D, 10000.0, 32);
        float[] x = new float[D];
        for (int i = 0; i < D; i++) x[i] = (float) rnd.nextGaussian();
        MemorySegment s = MemorySegment.ofArray(x.clone());
        int p = 17;
        rope.rotate(s, 0, p, false);
        for (int i = 0; i < D / 2; i++) {
            double f = Math.pow(10000.0, -2.0 * i / D), c = Math.cos(p * f), sn = Math.sin(p * f);
            org.junit.jupiter.api.Assertions.assertEquals(x[i] * c - x[i + D / 2] * sn, Kernels.get(s, i), 1e-5);
            org.junit.jupiter.api.Assertions.assertEquals(x[i + D / 2] * c + x[i] * sn, Kernels.get(s, i + D / 2), 1e-5);
        }
        rope.rotate(s, 0, p, true);
        for (int i = 0; i < D; i++) org.junit.jupiter.api.Assertions.assertEquals(x[i], Kernels.get(s, i), 1e-5);
    }

    @Test
    void swiglu() {
        int n = 53;
        INDArray g = Tensors.zeros(n), u = Tensors.zeros(n), y = Tensors.zeros(n), dg = Tensors.zeros(n), du = Tensors.zeros(n), dy = Tensors.zeros(n);
        fill(seg(g), n, rnd, 2);
        fill(seg(u), n, rnd, 1);
        float[] r = copyRandom(seg(dy), n);
        SwiGLU.backward(seg(dg), seg(du), seg(dy), seg(g), seg(u), n);
        java.util.function.DoubleSupplier loss = () -> { SwiGLU.forward(seg(y), seg(g), seg(u), n); return weightedSum(seg(y), r); };
        check("swiglu dgate", loss, seg(g), n, copy(seg(dg), n), n, 9);
        check("swiglu dup", loss, seg(u), n, copy(seg(du), n), n, 10);
    }

    @Test
    void crossEntropyWithIgnoredRows() {
        int N = 6, V = 23;
        INDArray logits = Tensors.zeros(N, V), dl = Tensors.zeros(N, V);
        fill(seg(logits), logits.length(), rnd, 2);
        int[] t = {4, -100, 22, 0, -100, 9};
        Kernels.LossStats st = Kernels.crossEntropy(seg(logits), seg(dl), t, N, V, 1f / 4);
        org.junit.jupiter.api.Assertions.assertEquals(4, st.count());
        check("cross-entropy dlogits", () -> Kernels.crossEntropy(seg(logits), null, t, N, V, 1f).lossSum() / 4,
                seg(logits), logits.length(), copy(seg(dl), logits.length()), 138, 11);
        for (int j = 0; j < V; j++) org.junit.jupiter.api.Assertions.assertEquals(0f, Kernels.get(seg(dl), V + j));
    }

    @Test
    void attentionVariantsBackward() {
        for (AttentionKind kind : AttentionKind.values()) {
            // T = 70 crosses the flash kernel's 64-key tile; H/Hkv = 2 exercises the GQA sums
            Attention.Shape sh = new Attention.Shape(1, 70, 4, 2, 8);
            Attention att = kind.create(sh, new dev.qwenomni.tensor.Arena());
            long nq = (long) sh.B() * sh.H() * sh.T() * sh.D(), nk = (long) sh.B() * sh.Hkv() * sh.T() * sh.D();
            INDArray q = Tensors.zeros(nq), k = Tensors.zeros(nk), v = Tensors.zeros(nk), o = Tensors.zeros(nq);
            INDArray dq = Tensors.zeros(nq), dk = Tensors.zeros(nk), dv = Tensors.zeros(nk), dout = Tensors.zeros(nq);
            fill(seg(q), nq, rnd, 1);
            fill(seg(k), nk, rnd, 1);
            fill(seg(v), nk, rnd, 1);
            float[] r = copyRandom(seg(dout), nq);
            java.util.function.DoubleSupplier loss = () -> { att.forward(q, k, v, o); return weightedSum(seg(o), r); };
            loss.getAsDouble();
            att.backward(dout, q, k, v, o, dq, dk, dv);
            check(kind + " dq", loss, seg(q), nq, copy(seg(dq), nq), 150, 12);
            check(kind + " dk", loss, seg(k), nk, copy(seg(dk), nk), 150, 13);
            check(kind + " dv", loss, seg(v), nk, copy(seg(dv), nk), 150, 14);
        }
    }

    private float[] copyRandom(MemorySegment dy, long n) {
        fill(dy, n, rnd, 1);
        return copy(dy, n);
    }
}
