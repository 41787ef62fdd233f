package dev.qwenomni.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One way to compute c = alpha * op(a) op(b) + beta * c on float32 arrays (c preallocated, dense
 * c-order). The variants differ in the precision of the products, never in the arrays' types:
 * callers keep float32 activations, weights and gradients.
 */
public interface Gemm {
    void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta);

    /** For logs and benchmark tables. */
    String name();
}
