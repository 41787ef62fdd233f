package dev.qwenomni.model;

import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.nn.AttentionLoss;
import dev.qwenomni.nn.Embedding;
import dev.qwenomni.nn.HeadNormRope;
import dev.qwenomni.nn.Linear;
import dev.qwenomni.nn.RMSNorm;
import dev.qwenomni.nn.Rope;
import dev.qwenomni.nn.SwiGLU;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;

import static dev.qwenomni.tensor.Tensors.seg;

/**
 * The Qwen3-family decoder: forward over a (B, T) batch of token ids, next-token cross-entropy,
 * and a hand-written backward that adds every parameter's gradient into the flat gradient
 * buffer. Pre-norm layers: h = x + Attn(RMSNorm(x)); x' = h + MLP(RMSNorm(h)).
 */
public final class Qwen3Model {
    public final Qwen3Config config;
    public final Qwen3Weights weights;
    private final Rope rope;
    private final AttentionKind attentionKind;
    private RunState st;
    private int[] ids, targets;
    private boolean haveLoss;
    private boolean[] scoredLayers;
    private double auxPenalty = Double.NaN;

    public Qwen3Model(Qwen3Config config, AttentionKind attentionKind) {
        this.config = config;
        this.weights = new Qwen3Weights(config);
        this.rope = new Rope(config.headDim(), config.ropeTheta(), config.maxPositions());
        this.attentionKind = attentionKind;
    }

    public ParamStore params() { return weights.store; }
    public AttentionKind attentionKind() { return attentionKind; }

    private RunState state(int B, int T) {
        if (T > config.maxPositions())
            throw new IllegalArgumentException("sequence length " + T + " exceeds max_position_embeddings " + config.maxPositions());
        if (st == null || st.B != B || st.T != T) st = new RunState(config, attentionKind, scoredLayers, B, T);
        return st;
    }

    /**
     * The layers whose attention an auxiliary loss may score (see {@link #forward(int[], int[], AttentionLoss, int, int, float)}):
     * they switch to the materialised kernel, which keeps the probabilities the loss reads; null: none.
     */
    public void scoreAttentionOf(boolean[] layers) {
        if (layers != null && layers.length != config.numLayers())
            throw new IllegalArgumentException("scored layers: " + layers.length + " flags for " + config.numLayers() + " layers");
        scoredLayers = layers == null ? null : layers.clone();
        st = null;
    }

    /** Whether some layers' attention can be scored (their kernel is the materialised one). */
    public boolean scoresAttention() { return scoredLayers != null; }

    /**
     * The last forward's auxiliary penalty: the loss on the attention probabilities, averaged over
     * scored layers, heads and rows (NaN when the forward had none).
     */
    public double auxiliaryPenalty() { return auxPenalty; }

    /**
     * As {@link #forward(int[], int[], int, int, float)}, plus an auxiliary loss on the attention of
     * the scored layers (null: none): the loss adds aux.weight() times its mean over scored layers,
     * heads and rows, and the backward its gradient.
     */
    public Result forward(int[] ids, int[] targets, AttentionLoss aux, int B, int T, float gradScale) {
        RunState s = state(B, T);
        if (aux != null && scoredLayers == null) throw new IllegalStateException("an attention loss needs scoreAttentionOf(layers) first");
        if (aux != null && aux.heads() > config.numHeads())
            throw new IllegalArgumentException("scored heads " + aux.heads() + " exceed num_attention_heads " + config.numHeads());
        int layers = 0;
        if (aux != null) for (boolean g : scoredLayers) if (g) layers++;
        float coef = aux == null ? 0 : gradScale * aux.weight() / ((float) layers * aux.heads() * aux.rows());
        for (int l = 0; l < config.numLayers(); l++)
            if (scoredLayers != null && scoredLayers[l]) s.layers[l].attention.auxiliaryLoss(aux, coef);
        auxPenalty = Double.NaN;
        Result r = run(ids, targets, B, T, gradScale);
        if (aux == null) return r;
        double sum = 0;
        for (int l = 0; l < config.numLayers(); l++) if (scoredLayers[l]) sum += s.layers[l].attention.auxiliaryPenalty();
        auxPenalty = sum / ((double) layers * aux.heads() * aux.rows());
        if (targets == null) return r;
        return new Result(r.loss() + aux.weight() * auxPenalty, r.count(), r.correct(), r.loss());
    }

    /** Logits of the last forward, [B*T, vocab] (row b*T + t). */
    public INDArray logits() { return st.logits; }

    /**
     * Runs the model on ids [B*T]. With targets (same size, -100 = ignore) it returns the mean
     * cross-entropy over counted tokens and prepares the backward, whose loss gradient is scaled
     * by {@code gradScale} (1 for a plain mean; 1/k over k accumulation micro-batches).
     * Without targets it returns NaN and only fills the logits.
     */
    public Result forward(int[] ids, int[] targets, int B, int T, float gradScale) {
        return forward(ids, targets, null, B, T, gradScale);
    }

    private Result run(int[] ids, int[] targets, int B, int T, float gradScale) {
        Qwen3Config c = config;
        RunState s = state(B, T);
        int N = s.N, H = c.numHeads(), Hkv = c.numKvHeads(), D = c.headDim(), I = c.intermediateSize();
        float eps = (float) c.rmsNormEps();
        if (ids.length != N) throw new IllegalArgumentException("expected " + N + " token ids, got " + ids.length);
        this.ids = ids;
        this.targets = targets;
        Qwen3Weights w = weights;

        Embedding.forward(seg(s.x[0]), ids, N, w.embed);
        for (int l = 0; l < c.numLayers(); l++) {
            Qwen3Weights.Layer lw = w.layers[l];
            RunState.LayerActs a = s.layers[l];
            // attention block
            RMSNorm.forward(seg(a.ln1), seg(a.rstd1), seg(s.x[l]), lw.inputNorm(), N, eps);
            Linear.forward(a.qRaw, a.ln1, lw.q(), lw.qBias());
            Linear.forward(a.kRaw, a.ln1, lw.k(), lw.kBias());
            Linear.forward(a.vRaw, a.ln1, lw.v(), lw.vBias());
            HeadNormRope.forward(seg(a.q), seg(a.qRstd), seg(a.qRaw), lw.qNorm(), rope, B, T, H, D, 0, eps);
            HeadNormRope.forward(seg(a.k), seg(a.kRstd), seg(a.kRaw), lw.kNorm(), rope, B, T, Hkv, D, 0, eps);
            HeadNormRope.forward(seg(a.v), null, seg(a.vRaw), null, null, B, T, Hkv, D, 0, eps);
            a.attention.forward(a.q, a.k, a.v, a.att);
            Linear.forward(a.h, a.att, lw.o(), lw.oBias());
            Kernels.add(seg(a.h), seg(a.h), seg(s.x[l]), a.h.length());
            // MLP block
            RMSNorm.forward(seg(a.ln2), seg(a.rstd2), seg(a.h), lw.postNorm(), N, eps);
            Linear.forward(a.gate, a.ln2, lw.gate(), null);
            Linear.forward(a.up, a.ln2, lw.up(), null);
            SwiGLU.forward(seg(a.act), seg(a.gate), seg(a.up), (long) N * I);
            Linear.forward(s.x[l + 1], a.act, lw.down(), null);
            Kernels.add(seg(s.x[l + 1]), seg(s.x[l + 1]), seg(a.h), a.h.length());
        }
        RMSNorm.forward(seg(s.lnf), seg(s.rstdf), seg(s.x[c.numLayers()]), w.finalNorm, N, eps);
        Linear.forward(s.logits, s.lnf, w.lmHead, null);

        haveLoss = targets != null;
        if (!haveLoss) return new Result(Double.NaN, 0, 0, Double.NaN);
        if (targets.length != N) throw new IllegalArgumentException("expected " + N + " targets, got " + targets.length);
        int count = 0;
        for (int t : targets) if (t >= 0) count++;
        if (count == 0) throw new IllegalArgumentException("batch has no counted targets (all -100)");
        Kernels.LossStats ls = Kernels.crossEntropy(seg(s.logits), seg(s.dLogits), targets, N, c.vocabSize(),
                gradScale / count);
        double ce = ls.lossSum() / ls.count();
        return new Result(ce, ls.count(), ls.correct(), ce);
    }

    /**
     * One forward: the loss the backward differentiates (cross-entropy, plus the auxiliary
     * attention term when there is one), counted tokens, argmax hits, and the mean cross-entropy alone.
     */
    public record Result(double loss, int count, int correct, double crossEntropy) {}

    /** Adds d(loss * gradScale)/d(param) into the gradient store, for the last forward. */
    public void backward() {
        if (!haveLoss) throw new IllegalStateException("backward needs a forward with targets first");
        Qwen3Config c = config;
        RunState s = st;
        int B = s.B, T = s.T, N = s.N, H = c.numHeads(), Hkv = c.numKvHeads(), D = c.headDim(), I = c.intermediateSize();
        Qwen3Weights w = weights;

        Linear.backward(s.dLn, false, w.lmHead, null, s.dLogits, s.lnf);
        RMSNorm.backward(seg(s.dx), false, w.finalNorm, seg(s.dLn), seg(s.x[c.numLayers()]), seg(s.rstdf), N);
        // s.dx is now dL/dx[L]; walking down, it becomes dL/dh then dL/dx[l] by adding each branch
        for (int l = c.numLayers() - 1; l >= 0; l--) {
            Qwen3Weights.Layer lw = w.layers[l];
            RunState.LayerActs a = s.layers[l];
            // MLP branch: x[l+1] = h + down(swiglu(gate(ln2), up(ln2)))
            Linear.backward(s.dAct, false, lw.down(), null, s.dx, a.act);
            SwiGLU.backward(seg(s.dGate), seg(s.dUp), seg(s.dAct), seg(a.gate), seg(a.up), (long) N * I);
            Linear.backward(s.dLn, false, lw.gate(), null, s.dGate, a.ln2);
            Linear.backward(s.dLn, true, lw.up(), null, s.dUp, a.ln2);
            RMSNorm.backward(seg(s.dx), true, lw.postNorm(), seg(s.dLn), seg(a.h), seg(a.rstd2), N);
            // attention branch: h = x + o(attn(rope(norm(q)), rope(norm(k)), v))
            Linear.backward(s.dAtt, false, lw.o(), lw.oBias(), s.dx, a.att);
            a.attention.backward(s.dAtt, a.q, a.k, a.v, a.att, s.dq, s.dk, s.dv);
            HeadNormRope.backward(seg(s.dqRaw), seg(s.dq), seg(a.qRaw), seg(a.qRstd), lw.qNorm(), rope, B, T, H, D, 0);
            HeadNormRope.backward(seg(s.dkRaw), seg(s.dk), seg(a.kRaw), seg(a.kRstd), lw.kNorm(), rope, B, T, Hkv, D, 0);
            HeadNormRope.backward(seg(s.dvRaw), seg(s.dv), null, null, null, null, B, T, Hkv, D, 0);
            Linear.backward(s.dLn, false, lw.q(), lw.qBias(), s.dqRaw, a.ln1);
            Linear.backward(s.dLn, true, lw.k(), lw.kBias(), s.dkRaw, a.ln1);
            Linear.backward(s.dLn, true, lw.v(), lw.vBias(), s.dvRaw, a.ln1);
            RMSNorm.backward(seg(s.dx), true, lw.inputNorm(), seg(s.dLn), seg(s.x[l]), seg(a.rstd1), N);
        }
        Embedding.backward(w.embed, seg(s.dx), ids, N);
    }

    /** FLOPs of one training step per token: 6N for the matmuls plus attention (causal). */
    public double trainFlopsPerToken(int T) {
        double attn = 6.0 * config.numLayers() * config.numHeads() * config.headDim() * T; // QK^T and PV, fwd+bwd, causal half
        return 6.0 * config.matmulParams() + attn;
    }
}
