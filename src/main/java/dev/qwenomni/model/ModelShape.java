package dev.qwenomni.model;

/** The size of a fresh Qwen3 model; the vocabulary and end token come from the task. */
public record ModelShape(int layers, int hidden, int heads, int kvHeads, int headDim, int intermediate, double ropeTheta, int maxPositions) {
    /** The project's default: 4 layers, hidden 256, 4 query heads over 2 key/value heads of 64, SwiGLU 768. */
    public static final ModelShape DEFAULT = new ModelShape(4, 256, 4, 2, 64, 768, 10000, 1024);

    /** A qwen3 config of this shape (q/k norm, no biases, tied embeddings, RMSNorm eps 1e-6). */
    public Qwen3Config config(int vocab, int eos) {
        return new Qwen3Config("qwen3", vocab, hidden, intermediate, layers, heads, kvHeads, headDim, ropeTheta, 1e-6,
                true, false, false, true, maxPositions, -1, eos);
    }

    /** x rounded up to a multiple of m (vocabularies are padded for the gemm). */
    public static int roundUp(int x, int m) { return (x + m - 1) / m * m; }
}
