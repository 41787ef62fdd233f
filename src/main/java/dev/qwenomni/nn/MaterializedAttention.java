package dev.qwenomni.nn;

import dev.qwenomni.tensor.Arena;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;

/**
 * Reference attention: per (batch, head) S = Q K^T by gemm, causal softmax in place (P kept for
 * the backward), O = P V by gemm. Backward: dV += P^T dO, dP = dO V^T,
 * dS = P * (dP - rowsum(P * dP)) * scale, dQ = dS K, dK += dS^T Q.
 */
final class MaterializedAttention implements Attention {
    private final Shape s;
    private final INDArray probs;      // [B, H, T, T]
    private final INDArray[] probsHead;
    private final INDArray tmp, dP;    // [T, D], [T, T] scratch
    private final HeadLayout layout;
    private AttentionLoss aux;
    private float auxCoef;
    private double auxPenalty;

    MaterializedAttention(Shape s, Arena arena) {
        this.s = s;
        layout = new HeadLayout(s);
        probs = arena.take((long) s.B() * s.H(), s.T(), s.T());
        probsHead = new INDArray[s.B() * s.H()];
        for (int i = 0; i < probsHead.length; i++) probsHead[i] = Tensors.view(probs, (long) i * s.T() * s.T(), s.T(), s.T());
        tmp = arena.take(s.T(), s.D());
        dP = arena.take(s.T(), s.T());
    }

    @Override
    public void auxiliaryLoss(AttentionLoss loss, float gradCoef) {
        aux = loss;
        auxCoef = gradCoef;
    }

    @Override
    public double auxiliaryPenalty() { return auxPenalty; }

    @Override
    public void forward(INDArray q, INDArray k, INDArray v, INDArray out) {
        int B = s.B(), T = s.T(), H = s.H();
        INDArray[] qh = layout.heads(q), kh = layout.heads(k), vh = layout.heads(v);
        MemorySegment o = Tensors.seg(out), t = Tensors.seg(tmp);
        auxPenalty = 0;
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                int bh = b * H + h, bg = b * s.Hkv() + h / s.group();
                INDArray p = probsHead[bh];
                Tensors.gemm(qh[bh], kh[bg], p, false, true, 1.0, 0.0);
                MemorySegment ps = Tensors.seg(p);
                for (int i = 0; i < T; i++) Kernels.softmaxRow(ps, (long) i * T, i + 1, T, s.scale());
                if (aux != null && h < aux.heads()) auxPenalty += aux.penalty(ps, b, T);
                Tensors.gemm(p, vh[bg], tmp, false, false, 1.0, 0.0);
                layout.scatter(t, o, b, h);
            }
    }

    @Override
    public void backward(INDArray dOut, INDArray q, INDArray k, INDArray v, INDArray out,
                         INDArray dq, INDArray dk, INDArray dv) {
        int B = s.B(), T = s.T(), H = s.H();
        INDArray[] qh = layout.heads(q), kh = layout.heads(k), vh = layout.heads(v);
        INDArray[] dqh = layout.heads(dq), dkh = layout.heads(dk), dvh = layout.heads(dv);
        MemorySegment dO = Tensors.seg(dOut), t = Tensors.seg(tmp), dps = Tensors.seg(dP);
        Kernels.zero(Tensors.seg(dk), 0, dk.length());
        Kernels.zero(Tensors.seg(dv), 0, dv.length());
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                int bh = b * H + h, bg = b * s.Hkv() + h / s.group();
                layout.gather(dO, t, b, h);
                INDArray p = probsHead[bh];
                MemorySegment ps = Tensors.seg(p);
                Tensors.gemm(p, tmp, dvh[bg], true, false, 1.0, 1.0);
                Tensors.gemm(tmp, vh[bg], dP, false, true, 1.0, 0.0);
                if (aux != null && h < aux.heads()) aux.addGradient(dps, b, T, auxCoef);
                for (int i = 0; i < T; i++) Kernels.softmaxBackwardRow(ps, dps, (long) i * T, i + 1, T, s.scale());
                Tensors.gemm(dP, kh[bg], dqh[bh], false, false, 1.0, 0.0);
                Tensors.gemm(dP, qh[bh], dkh[bg], true, false, 1.0, 1.0);
            }
    }
}
