package dev.qwenomni.nn;

import dev.qwenomni.tensor.Arena;

import java.util.Locale;

/** The attention kernel variants, chosen by configuration ("materialized" or "flash"). */
public enum AttentionKind {
    /** Scores and probabilities materialised per head, products through ND4J gemm. */
    MATERIALIZED,
    /** Fused online softmax over key tiles in Vector API code; keeps only the log-sum-exp. */
    FLASH;

    public Attention create(Attention.Shape shape, Arena arena) {
        return switch (this) {
            case MATERIALIZED -> new MaterializedAttention(shape, arena);
            case FLASH -> new FlashAttention(shape, arena);
        };
    }

    public static AttentionKind parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown attention kernel '" + s + "' (choose materialized or flash)");
        }
    }
}
