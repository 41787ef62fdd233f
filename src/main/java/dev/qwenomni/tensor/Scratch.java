package dev.qwenomni.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A reusable buffer of one type, handed out as dense c-order views of any shape that fits. It
 * grows to the largest request and is then reused, so a training step allocates nothing here after
 * its first call. Not thread-safe: one per thread.
 */
final class Scratch {
    private final DataType type;
    private INDArray flat;

    Scratch(DataType type) { this.type = type; }

    INDArray view(long... shape) {
        long n = Tensors.numel(shape);
        if (flat == null || flat.length() < n) flat = Nd4j.create(type, Math.max(n, 1));
        return Nd4j.create(flat.data(), shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
    }
}
