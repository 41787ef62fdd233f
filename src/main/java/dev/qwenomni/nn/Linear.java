package dev.qwenomni.nn;

import dev.qwenomni.tensor.Autocast;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/** y[N, out] = x[N, in] W^T + b, with W stored [out, in] as in torch. */
public final class Linear {
    private Linear() {}

    public static void forward(INDArray out, INDArray in, Param w, Param bias) {
        Autocast.gemm(in, w.value, out, false, true, 1.0, 0.0);
        if (bias != null) Kernels.addRowVector(Tensors.seg(out), bias.v, (int) out.size(0), (int) out.size(1));
    }

    /**
     * dW += dy^T x, db += colsum(dy), and dx = dy W (or dx += dy W when accumulate). dx may be
     * null when the input needs no gradient.
     */
    public static void backward(INDArray dIn, boolean accumulate, Param w, Param bias, INDArray dOut, INDArray in) {
        Autocast.gemm(dOut, in, w.grad(), true, false, 1.0, 1.0);
        if (bias != null) Kernels.addColumnSums(bias.g(), Tensors.seg(dOut), (int) dOut.size(0), (int) dOut.size(1));
        if (dIn != null) Autocast.gemm(dOut, w.value, dIn, false, false, 1.0, accumulate ? 1.0 : 0.0);
    }
}
