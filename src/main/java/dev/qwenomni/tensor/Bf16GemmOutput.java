package dev.qwenomni.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/** c = alpha * p + beta * c for a bf16 product p and a float32 c of the same shape, whatever c's layout. */
final class Bf16GemmOutput {
    private Bf16GemmOutput() {}

    static void combine(INDArray p16, INDArray c, double alpha, double beta) {
        if (Tensors.isDense(c)) {
            Bf16.axpbyInto(Tensors.segBf16(p16), Tensors.seg(c), c.length(), (float) alpha, (float) beta);
        } else {
            INDArray dense = beta == 0 ? Tensors.zeros(c.shape()) : c.dup('c');
            Bf16.axpbyInto(Tensors.segBf16(p16), Tensors.seg(dense), dense.length(), (float) alpha, (float) beta);
            c.assign(dense);
        }
    }
}
