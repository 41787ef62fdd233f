package dev.qwenomni.model;

import dev.qwenomni.nn.Attention;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Arena;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every activation and scratch buffer for one (batch, sequence) shape, carved from one arena
 * when the shape is first seen and reused by every step after (llm.c's activation block).
 */
final class RunState {
    final int B, T, N;

    /** What one layer's forward keeps for its backward. */
    static final class LayerActs {
        INDArray ln1, rstd1, qRaw, kRaw, vRaw, qRstd, kRstd, q, k, v, att, h, ln2, rstd2, gate, up, act;
        Attention attention;
    }

    final INDArray[] x;           // residual stream entering each layer, and after the last: [N, C]
    final LayerActs[] layers;
    final INDArray lnf, rstdf, logits, dLogits;
    // backward scratch, shared by all layers
    final INDArray dx, dLn, dAtt, dAct, dGate, dUp, dq, dk, dv, dqRaw, dkRaw, dvRaw;

    RunState(Qwen3Config c, AttentionKind kind, boolean[] materialized, int B, int T) {
        this.B = B;
        this.T = T;
        this.N = B * T;
        int C = c.hiddenSize(), I = c.intermediateSize(), H = c.numHeads(), Hkv = c.numKvHeads(), D = c.headDim();
        Arena a = new Arena();
        x = new INDArray[c.numLayers() + 1];
        for (int l = 0; l <= c.numLayers(); l++) x[l] = a.take(N, C);
        layers = new LayerActs[c.numLayers()];
        Attention.Shape shape = new Attention.Shape(B, T, H, Hkv, D);
        for (int l = 0; l < c.numLayers(); l++) {
            LayerActs s = new LayerActs();
            s.ln1 = a.take(N, C);
            s.rstd1 = a.take(N);
            s.qRaw = a.take(N, (long) H * D);
            s.kRaw = a.take(N, (long) Hkv * D);
            s.vRaw = a.take(N, (long) Hkv * D);
            s.qRstd = a.take((long) N * H);
            s.kRstd = a.take((long) N * Hkv);
            s.q = a.take(B, H, T, D);
            s.k = a.take(B, Hkv, T, D);
            s.v = a.take(B, Hkv, T, D);
            s.att = a.take(N, (long) H * D);
            s.h = a.take(N, C);
            s.ln2 = a.take(N, C);
            s.rstd2 = a.take(N);
            s.gate = a.take(N, I);
            s.up = a.take(N, I);
            s.act = a.take(N, I);
            s.attention = (materialized != null && materialized[l] ? AttentionKind.MATERIALIZED : kind).create(shape, a);
            layers[l] = s;
        }
        lnf = a.take(N, C);
        rstdf = a.take(N);
        logits = a.take(N, c.vocabSize());
        dLogits = a.take(N, c.vocabSize());
        dx = a.take(N, C);
        dLn = a.take(N, C);
        dAtt = a.take(N, (long) H * D);
        dAct = a.take(N, I);
        dGate = a.take(N, I);
        dUp = a.take(N, I);
        dq = a.take(B, H, T, D);
        dk = a.take(B, Hkv, T, D);
        dv = a.take(B, Hkv, T, D);
        dqRaw = a.take(N, (long) H * D);
        dkRaw = a.take(N, (long) Hkv * D);
        dvRaw = a.take(N, (long) Hkv * D);
    }
}
