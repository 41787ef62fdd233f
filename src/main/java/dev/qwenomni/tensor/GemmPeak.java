package dev.qwenomni.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The ceiling a training step's FLOP rate is quoted against: a square gemm on preallocated arrays, best of 7 rounds of 5. */
public final class GemmPeak {
    private GemmPeak() {}

    /** GFLOP/s of an n x n x n product through this kernel (conversions included for the bf16 kernels). */
    public static double gflops(Gemm g, int n) {
        INDArray a = Nd4j.rand(n, n), b = Nd4j.rand(n, n), c = Tensors.zeros(n, n);
        double best = 0;
        for (int r = 0; r < 7; r++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < 5; k++) g.gemm(a, b, c, false, false, 1, 0);
            best = Math.max(best, 5 * 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9);
        }
        return best;
    }
}
