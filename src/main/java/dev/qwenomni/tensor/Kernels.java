package dev.qwenomni.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Fused elementwise kernels written with the Vector API, reading and writing ND4J's off-heap
 * buffers through memory segments. Offsets and lengths are in float elements. Each kernel has a
 * vector body and a scalar tail; reductions accumulate in float lanes, then in double.
 */
public final class Kernels {
    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NO = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Kernels() {}

    public static float get(MemorySegment s, long i) { return s.getAtIndex(F, i); }
    public static void set(MemorySegment s, long i, float v) { s.setAtIndex(F, i, v); }
    public static FloatVector load(MemorySegment s, long i) { return FloatVector.fromMemorySegment(S, s, i * 4, NO); }
    public static void store(FloatVector v, MemorySegment s, long i) { v.intoMemorySegment(s, i * 4, NO); }

    // ---------------------------------------------------------------- reductions and blas-1

    /** sum_i a[ao+i] * b[bo+i] */
    public static float dot(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) acc = load(a, ao + i).fma(load(b, bo + i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += get(a, ao + i) * get(b, bo + i);
        return s;
    }

    /** y[yo+i] += alpha * x[xo+i] */
    public static void axpy(float alpha, MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i <= n - L; i += L) store(load(x, xo + i).fma(av, load(y, yo + i)), y, yo + i);
        for (; i < n; i++) set(y, yo + i, get(y, yo + i) + alpha * get(x, xo + i));
    }

    /** x[xo+i] *= alpha */
    public static void scale(MemorySegment x, long xo, int n, float alpha) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i <= n - L; i += L) store(load(x, xo + i).mul(av), x, xo + i);
        for (; i < n; i++) set(x, xo + i, get(x, xo + i) * alpha);
    }

    /** out = a + b elementwise (out may alias a or b). */
    public static void add(MemorySegment out, MemorySegment a, MemorySegment b, long n) {
        long i = 0;
        for (; i <= n - L; i += L) store(load(a, i).add(load(b, i)), out, i);
        for (; i < n; i++) set(out, i, get(a, i) + get(b, i));
    }

    /**
     * Sum of squares of all elements, accumulated in double per vector block. The lanes are summed
     * in a fixed order rather than by reduceLanes (whose order differs between the interpreter and
     * C2), so the gradient norm, and with it clipping, is the same bits on every run.
     */
    public static double sumSquares(MemorySegment x, long n) {
        double total = 0;
        long i = 0;
        final int block = 1 << 12;
        float[] lanes = new float[L];
        while (i < n) {
            long end = Math.min(n, i + block);
            FloatVector acc = FloatVector.zero(S);
            for (; i <= end - L; i += L) {
                FloatVector v = load(x, i);
                acc = v.fma(v, acc);
            }
            acc.intoArray(lanes, 0);
            double s = 0;
            for (float lane : lanes) s += lane;
            for (; i < end; i++) { float v = get(x, i); s += v * v; }
            total += s;
        }
        return total;
    }

    /** The lanes of v summed first to last: the same bits in the interpreter and in C2, unlike reduceLanes. */
    public static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }

    /** Adds row vector b[0..cols) to every row of x[rows, cols]. */
    public static void addRowVector(MemorySegment x, MemorySegment b, int rows, int cols) {
        for (int r = 0; r < rows; r++) axpy(1f, b, 0, x, (long) r * cols, cols);
    }

    /** db[0..cols) += column sums of dy[rows, cols]. */
    public static void addColumnSums(MemorySegment db, MemorySegment dy, int rows, int cols) {
        for (int r = 0; r < rows; r++) axpy(1f, dy, (long) r * cols, db, 0, cols);
    }

    // ---------------------------------------------------------------- RMSNorm

    /**
     * out[r] = w * x[r] / sqrt(mean(x[r]^2) + eps) for rows of length dim; saves 1/rms per row.
     * w may be null (unit weight).
     */
    public static void rmsnormForward(MemorySegment out, MemorySegment x, MemorySegment w, MemorySegment rstd,
                                      int rows, int dim, float eps) {
        for (int r = 0; r < rows; r++) {
            long o = (long) r * dim;
            double ss = dot(x, o, x, o, dim);
            float rs = (float) (1.0 / Math.sqrt(ss / dim + eps));
            set(rstd, r, rs);
            FloatVector rv = FloatVector.broadcast(S, rs);
            int i = 0;
            for (; i <= dim - L; i += L) {
                FloatVector v = load(x, o + i).mul(rv);
                store(w == null ? v : v.mul(load(w, i)), out, o + i);
            }
            for (; i < dim; i++) set(out, o + i, get(x, o + i) * rs * (w == null ? 1f : get(w, i)));
        }
    }

    /**
     * dx (+)= rstd * (w*dy - xhat * mean(w*dy*xhat)), xhat = x*rstd; dw += sum_r dy*xhat.
     * dw may be null (no weight or frozen). accumulate=false overwrites dx.
     */
    public static void rmsnormBackward(MemorySegment dx, MemorySegment dw, MemorySegment dy, MemorySegment x,
                                       MemorySegment w, MemorySegment rstd, int rows, int dim, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            long o = (long) r * dim;
            float rs = get(rstd, r);
            FloatVector rv = FloatVector.broadcast(S, rs);
            // mean over the row of (w*dy) * xhat
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (; i <= dim - L; i += L) {
                FloatVector g = load(dy, o + i);
                if (w != null) g = g.mul(load(w, i));
                acc = g.fma(load(x, o + i).mul(rv), acc);
            }
            float m = acc.reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) m += get(dy, o + i) * (w == null ? 1f : get(w, i)) * get(x, o + i) * rs;
            m /= dim;
            FloatVector mv = FloatVector.broadcast(S, m);
            i = 0;
            for (; i <= dim - L; i += L) {
                FloatVector g = load(dy, o + i);
                FloatVector xh = load(x, o + i).mul(rv);
                if (dw != null) store(g.fma(xh, load(dw, i)), dw, i);
                if (w != null) g = g.mul(load(w, i));
                FloatVector d = g.sub(xh.mul(mv)).mul(rv);
                store(accumulate ? d.add(load(dx, o + i)) : d, dx, o + i);
            }
            for (; i < dim; i++) {
                float g = get(dy, o + i), xh = get(x, o + i) * rs;
                if (dw != null) set(dw, i, get(dw, i) + g * xh);
                if (w != null) g *= get(w, i);
                float d = (g - xh * m) * rs;
                set(dx, o + i, accumulate ? get(dx, o + i) + d : d);
            }
        }
    }

    // ---------------------------------------------------------------- SwiGLU

    /** out = silu(gate) * up */
    public static void swigluForward(MemorySegment out, MemorySegment gate, MemorySegment up, long n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        long i = 0;
        for (; i <= n - L; i += L) {
            FloatVector g = load(gate, i);
            FloatVector sig = one.div(one.add(g.neg().lanewise(VectorOperators.EXP)));
            store(g.mul(sig).mul(load(up, i)), out, i);
        }
        for (; i < n; i++) {
            float g = get(gate, i);
            float sig = (float) (1.0 / (1.0 + Math.exp(-g)));
            set(out, i, g * sig * get(up, i));
        }
    }

    /** dgate = dout * up * silu'(gate), dup = dout * silu(gate) (both overwritten). */
    public static void swigluBackward(MemorySegment dgate, MemorySegment dup, MemorySegment dout,
                                      MemorySegment gate, MemorySegment up, long n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        long i = 0;
        for (; i <= n - L; i += L) {
            FloatVector g = load(gate, i), u = load(up, i), d = load(dout, i);
            FloatVector sig = one.div(one.add(g.neg().lanewise(VectorOperators.EXP)));
            FloatVector silu = g.mul(sig);
            FloatVector dsilu = sig.mul(one.add(g.mul(one.sub(sig))));
            store(d.mul(u).mul(dsilu), dgate, i);
            store(d.mul(silu), dup, i);
        }
        for (; i < n; i++) {
            float g = get(gate, i), u = get(up, i), d = get(dout, i);
            float sig = (float) (1.0 / (1.0 + Math.exp(-g)));
            set(dgate, i, d * u * sig * (1f + g * (1f - sig)));
            set(dup, i, d * g * sig);
        }
    }

    // ---------------------------------------------------------------- softmax

    /**
     * In-place softmax of x[o .. o+valid), scaled by {@code scale} first; entries [valid, len)
     * are set to zero (the causal mask). Returns log-sum-exp of the scaled row.
     */
    public static float softmaxRow(MemorySegment x, long o, int valid, int len, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= valid - L; i += L) mv = mv.max(load(x, o + i));
        max = mv.reduceLanes(VectorOperators.MAX);
        for (; i < valid; i++) max = Math.max(max, get(x, o + i));
        max *= scale;
        FloatVector sv = FloatVector.broadcast(S, scale), maxv = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        i = 0;
        for (; i <= valid - L; i += L) {
            FloatVector e = load(x, o + i).fma(sv, maxv.neg()).lanewise(VectorOperators.EXP);
            store(e, x, o + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < valid; i++) {
            float e = (float) Math.exp(get(x, o + i) * scale - max);
            set(x, o + i, e);
            sum += e;
        }
        scale(x, o, valid, 1f / sum);
        for (int j = valid; j < len; j++) set(x, o + j, 0f);
        return max + (float) Math.log(sum);
    }

    /**
     * The softmax backward of one causal row, in place: given P (probabilities) and dP in
     * [o, o + valid), dS = P * (dP - sum(P * dP)) * scale; entries [valid, len) of dP are set to zero.
     */
    public static void softmaxBackwardRow(MemorySegment p, MemorySegment dp, long o, int valid, int len, float scale) {
        float rowDot = dot(p, o, dp, o, valid);
        FloatVector rd = FloatVector.broadcast(S, rowDot), sv = FloatVector.broadcast(S, scale);
        int j = 0;
        for (; j <= valid - L; j += L) store(load(p, o + j).mul(load(dp, o + j).sub(rd)).mul(sv), dp, o + j);
        for (; j < valid; j++) set(dp, o + j, get(p, o + j) * (get(dp, o + j) - rowDot) * scale);
        if (len > valid) zero(dp, o + valid, len - valid);
    }

    // ---------------------------------------------------------------- cross-entropy

    /** Result of a fused cross-entropy pass: summed loss, counted tokens, argmax hits. */
    public record LossStats(double lossSum, int count, int correct) {}

    /**
     * For each row with target >= 0: loss += logsumexp(logits) - logits[target]. Writes
     * dlogits = (softmax - onehot) * gradScale for counted rows, zero for ignored rows
     * (dlogits may alias logits; pass null to skip the gradient).
     */
    public static LossStats crossEntropy(MemorySegment logits, MemorySegment dlogits, int[] targets,
                                         int rows, int vocab, float gradScale) {
        double loss = 0;
        int count = 0, correct = 0;
        for (int r = 0; r < rows; r++) {
            long o = (long) r * vocab;
            int t = targets[r];
            if (t < 0) {
                if (dlogits != null) for (int j = 0; j < vocab; j++) set(dlogits, o + j, 0f);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            int arg = 0;
            for (int j = 0; j < vocab; j++) {
                float v = get(logits, o + j);
                if (v > max) { max = v; arg = j; }
            }
            FloatVector maxv = FloatVector.broadcast(S, max);
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j <= vocab - L; j += L) acc = acc.add(load(logits, o + j).sub(maxv).lanewise(VectorOperators.EXP));
            double sum = acc.reduceLanes(VectorOperators.ADD);
            for (; j < vocab; j++) sum += Math.exp(get(logits, o + j) - max);
            float target = get(logits, o + t);
            loss += max + Math.log(sum) - target;
            count++;
            if (arg == t) correct++;
            if (dlogits != null) {
                float inv = (float) (1.0 / sum);
                FloatVector iv = FloatVector.broadcast(S, inv * gradScale);
                j = 0;
                for (; j <= vocab - L; j += L)
                    store(load(logits, o + j).sub(maxv).lanewise(VectorOperators.EXP).mul(iv), dlogits, o + j);
                for (; j < vocab; j++) set(dlogits, o + j, (float) Math.exp(get(logits, o + j) - max) * inv * gradScale);
                set(dlogits, o + t, get(dlogits, o + t) - gradScale);
            }
        }
        return new LossStats(loss, count, correct);
    }

    // ---------------------------------------------------------------- AdamW

    /**
     * One AdamW step over n elements: m = b1 m + (1-b1) g', v = b2 v + (1-b2) g'^2 with
     * g' = g * gradScale; p -= lr * (mhat / (sqrt(vhat) + eps) + wd * p). Decoupled decay.
     */
    public static void adamw(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                             float lr, float b1, float b2, float eps, float wd, int step, float gradScale) {
        float bc1 = (float) (1.0 - Math.pow(b1, step)), bc2 = (float) (1.0 - Math.pow(b2, step));
        FloatVector b1v = FloatVector.broadcast(S, b1), b2v = FloatVector.broadcast(S, b2);
        FloatVector ob1 = FloatVector.broadcast(S, 1 - b1), ob2 = FloatVector.broadcast(S, 1 - b2);
        FloatVector gs = FloatVector.broadcast(S, gradScale), epsv = FloatVector.broadcast(S, eps);
        FloatVector ibc1 = FloatVector.broadcast(S, 1 / bc1), ibc2 = FloatVector.broadcast(S, 1 / bc2);
        FloatVector lrv = FloatVector.broadcast(S, lr), wdv = FloatVector.broadcast(S, wd);
        long i = off, end = off + n;
        for (; i <= end - L; i += L) {
            FloatVector gv = load(g, i).mul(gs);
            FloatVector mv = load(m, i).mul(b1v).add(gv.mul(ob1));
            FloatVector vv = load(v, i).mul(b2v).add(gv.mul(gv).mul(ob2));
            store(mv, m, i);
            store(vv, v, i);
            FloatVector pv = load(p, i);
            FloatVector upd = mv.mul(ibc1).div(vv.mul(ibc2).sqrt().add(epsv)).add(pv.mul(wdv));
            store(pv.sub(upd.mul(lrv)), p, i);
        }
        for (; i < end; i++) {
            float gv = get(g, i) * gradScale;
            float mv = b1 * get(m, i) + (1 - b1) * gv;
            float vv = b2 * get(v, i) + (1 - b2) * gv * gv;
            set(m, i, mv);
            set(v, i, vv);
            float pv = get(p, i);
            set(p, i, pv - lr * ((mv / bc1) / ((float) Math.sqrt(vv / bc2) + eps) + wd * pv));
        }
    }

    /** Sets n elements starting at off to zero. */
    public static void zero(MemorySegment x, long off, long n) {
        x.asSlice(off * 4, n * 4).fill((byte) 0);
    }
}
