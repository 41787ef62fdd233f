package dev.qwenomni.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** float32 operands and accumulation through ND4J's BLAS (OpenBLAS, or oneDNN in the oneDNN builds). */
public final class Fp32Gemm implements Gemm {
    public static final Fp32Gemm INSTANCE = new Fp32Gemm();

    private Fp32Gemm() {}

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
    }

    @Override
    public String name() { return "fp32"; }
}
