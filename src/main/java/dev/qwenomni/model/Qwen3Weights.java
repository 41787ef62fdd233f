package dev.qwenomni.model;

import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;

import java.util.SplittableRandom;

/** Named views of every parameter, declared in HF order with HF names. */
public final class Qwen3Weights {

    /** One decoder layer's parameters; biases and q/k norms are null where the family has none. */
    public record Layer(Param inputNorm, Param q, Param qBias, Param k, Param kBias, Param v, Param vBias,
                        Param o, Param oBias, Param qNorm, Param kNorm, Param postNorm,
                        Param gate, Param up, Param down) {}

    public final ParamStore store = new ParamStore();
    public final Param embed;
    public final Layer[] layers;
    public final Param finalNorm;
    /** The output projection: lm_head.weight, or embed_tokens.weight when tied. */
    public final Param lmHead;

    public Qwen3Weights(Qwen3Config c) {
        int C = c.hiddenSize(), I = c.intermediateSize(), qDim = c.numHeads() * c.headDim(), kvDim = c.numKvHeads() * c.headDim();
        embed = store.add("model.embed_tokens.weight", true, c.vocabSize(), C);
        layers = new Layer[c.numLayers()];
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            String a = p + "self_attn.";
            Param in = store.add(p + "input_layernorm.weight", false, C);
            Param q = store.add(a + "q_proj.weight", true, qDim, C);
            Param qb = c.qkvBias() ? store.add(a + "q_proj.bias", false, qDim) : null;
            Param k = store.add(a + "k_proj.weight", true, kvDim, C);
            Param kb = c.qkvBias() ? store.add(a + "k_proj.bias", false, kvDim) : null;
            Param v = store.add(a + "v_proj.weight", true, kvDim, C);
            Param vb = c.qkvBias() ? store.add(a + "v_proj.bias", false, kvDim) : null;
            Param o = store.add(a + "o_proj.weight", true, C, qDim);
            Param ob = c.oBias() ? store.add(a + "o_proj.bias", false, C) : null;
            Param qn = c.qkNorm() ? store.add(a + "q_norm.weight", false, c.headDim()) : null;
            Param kn = c.qkNorm() ? store.add(a + "k_norm.weight", false, c.headDim()) : null;
            Param post = store.add(p + "post_attention_layernorm.weight", false, C);
            Param gate = store.add(p + "mlp.gate_proj.weight", true, I, C);
            Param up = store.add(p + "mlp.up_proj.weight", true, I, C);
            Param down = store.add(p + "mlp.down_proj.weight", true, C, I);
            layers[l] = new Layer(in, q, qb, k, kb, v, vb, o, ob, qn, kn, post, gate, up, down);
        }
        finalNorm = store.add("model.norm.weight", false, C);
        lmHead = c.tieWordEmbeddings() ? embed : store.add("lm_head.weight", true, c.vocabSize(), C);
        store.allocate();
    }

    /** HF initialisation: matrices ~ N(0, 0.02), biases 0, norm weights 1. */
    public void initialize(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Param p : store.params()) {
            boolean norm = p.name.endsWith("norm.weight");
            boolean bias = p.name.endsWith(".bias");
            for (long i = 0; i < p.size; i++) {
                float x = norm ? 1f : bias ? 0f : (float) (dev.qwenomni.tensor.Init.gaussian(rng) * 0.02);
                p.v.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, x);
            }
        }
    }
}
