package dev.qwenomni.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Activation memory, carved as views out of a few large off-heap blocks. A model builds its
 * run state once per (batch, sequence) shape from one arena and reuses it every step, so the hot
 * loop allocates nothing (llm.c keeps all activations in one allocation the same way).
 */
public final class Arena {
    private static final long BLOCK = 16L << 20; // floats per block (64 MiB)
    private final List<INDArray> blocks = new ArrayList<>();
    private INDArray current;
    private long used;

    /** A zeroed c-order view of the given shape. */
    public INDArray take(long... shape) {
        long n = Tensors.numel(shape);
        long padded = (n + 15) / 16 * 16; // 64-byte alignment for every view
        if (current == null || used + padded > current.length()) {
            current = Tensors.zeros(Math.max(BLOCK, padded));
            blocks.add(current);
            used = 0;
        }
        INDArray v = Tensors.view(current, used, shape);
        used += padded;
        return v;
    }
}
