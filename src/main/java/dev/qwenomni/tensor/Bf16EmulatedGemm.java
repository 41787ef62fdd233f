package dev.qwenomni.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * bf16 matrix products computed exactly as bf16 hardware rounds them, on any CPU: both operands
 * rounded to bf16, products summed in float32 (a product of two bf16 values is exact in float32),
 * the result rounded to bf16 (the output type of oneDNN's bf16 matmul), then alpha and beta in
 * float32. Slower than {@link Fp32Gemm}: it is the reference the hardware path is tested against,
 * and what {@code --precision bf16} runs on a CPU without bf16 instructions.
 */
public final class Bf16EmulatedGemm implements Gemm {
    private final Scratch a16 = new Scratch(DataType.FLOAT), b16 = new Scratch(DataType.FLOAT);
    private final Scratch product = new Scratch(DataType.FLOAT), rounded = new Scratch(DataType.BFLOAT16);

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        INDArray ar = roundedCopy(a, a16), br = roundedCopy(b, b16);
        INDArray p = product.view(c.shape());
        Nd4j.gemm(ar, br, p, transA, transB, 1.0, 0.0);
        INDArray p16 = rounded.view(c.shape());
        Bf16.fromFloats(Tensors.seg(p), Tensors.segBf16(p16), p.length());
        Bf16GemmOutput.combine(p16, c, alpha, beta);
    }

    private static INDArray roundedCopy(INDArray x, Scratch s) {
        INDArray r = s.view(x.shape());
        r.assign(x);
        Bf16.roundInPlace(Tensors.seg(r), r.length());
        return r;
    }

    @Override
    public String name() { return "bf16-emulated"; }
}
