package dev.qwenomni.tensor;

import dev.qwenomni.sys.CpuFeatures;

import java.util.Locale;

/**
 * The precision of the matrix products in training (mixed precision, as torch.autocast does it):
 * weights, AdamW moments, activations, reductions and gradients stay float32 in either case.
 */
public enum Precision {
    FP32, BF16;

    /** fp32, bf16, or auto (bf16 where the CPU multiplies bf16 in hardware, else fp32). */
    public static Precision parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            case "auto" -> auto();
            default -> throw new IllegalArgumentException("unknown precision '" + s + "' (fp32, bf16 or auto)");
        };
    }

    /** The fastest precision this process supports: bf16 on hardware bf16 matmul, else fp32. */
    public static Precision auto() {
        return Bf16OneDnnGemm.available() ? BF16 : FP32;
    }

    /** A fresh kernel for this precision (bf16 runs emulated where the hardware path is missing). */
    public Gemm newGemm() {
        if (this == FP32) return Fp32Gemm.INSTANCE;
        return Bf16OneDnnGemm.available() ? new Bf16OneDnnGemm() : new Bf16EmulatedGemm();
    }

    /** One line for the log: what runs and why. */
    public String describe() {
        String cpu = "CPU " + CpuFeatures.vectorLevel() + (CpuFeatures.hasBf16Matmul() ? " with bf16 dot products" : ", no bf16 instructions");
        if (this == FP32) return "precision fp32 (" + cpu + ")";
        return Bf16OneDnnGemm.available()
                ? "precision bf16: matrix products on bf16 operands through oneDNN, float32 weights and sums (" + cpu + ")"
                : "precision bf16, emulated: products rounded as bf16 hardware would, at below float32 speed (" + cpu
                  + (Bf16OneDnnGemm.hasOneDnn() ? "" : "; ND4J build without oneDNN") + ")";
    }

    public String label() { return name().toLowerCase(Locale.ROOT); }
}
