package dev.qwenomni.nn;

import dev.qwenomni.tensor.Arena;

import java.util.Locale;

/** The attention kernel variants, chosen by configuration ("materialized", "flash" or "block_causal"). */
public enum AttentionKind {
    /** Scores and probabilities materialised per head, products through ND4J gemm. */
    MATERIALIZED,
    /** Fused online softmax over key tiles in Vector API code; keeps only the log-sum-exp. */
    FLASH,
    /** The materialised kernel in causal row blocks: only the keys a block can see are scored. */
    BLOCK_CAUSAL;

    public Attention create(Attention.Shape shape, Arena arena) {
        return switch (this) {
            case MATERIALIZED -> new MaterializedAttention(shape, arena);
            case FLASH -> new FlashAttention(shape, arena);
            case BLOCK_CAUSAL -> new BlockCausalAttention(shape, arena);
        };
    }

    public static AttentionKind parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown attention kernel '" + s + "' (choose materialized, flash or block_causal)");
        }
    }
}
