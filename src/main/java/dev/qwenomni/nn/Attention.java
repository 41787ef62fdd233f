package dev.qwenomni.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Causal grouped-query attention core (after projections, norms and RoPE). Layouts:
 * q [B, H, T, D], k and v [B, Hkv, T, D] (head-major, contiguous rows per head), out
 * [B, T, H, D] (token-major, ready for o_proj). Query head h reads kv head h / (H / Hkv).
 * One instance serves one layer at one (B, T) shape and keeps what its backward needs.
 */
public interface Attention {

    /** The shape an instance is built for. */
    record Shape(int B, int T, int H, int Hkv, int D) {
        public Shape {
            if (H % Hkv != 0) throw new IllegalArgumentException("num_attention_heads " + H + " not a multiple of num_key_value_heads " + Hkv);
        }
        public int group() { return H / Hkv; }
        public float scale() { return (float) (1.0 / Math.sqrt(D)); }
    }

    void forward(INDArray q, INDArray k, INDArray v, INDArray out);

    /** Writes dq, dk, dv (overwritten) from dOut, given the forward's inputs and output. */
    void backward(INDArray dOut, INDArray q, INDArray k, INDArray v, INDArray out,
                  INDArray dq, INDArray dk, INDArray dv);

    /**
     * Scores the first loss.heads() heads in the following forwards and backwards (null: none).
     * The backward adds gradCoef * dPenalty/dP for every scored row. Only the materialised
     * kernel keeps the probabilities this needs.
     */
    default void auxiliaryLoss(AttentionLoss loss, float gradCoef) {
        if (loss != null) throw new UnsupportedOperationException("a loss on attention probabilities needs the materialized attention kernel");
    }

    /** The last forward's auxiliary penalty, summed over its scored heads and rows (0 without one). */
    default double auxiliaryPenalty() { return 0; }
}
