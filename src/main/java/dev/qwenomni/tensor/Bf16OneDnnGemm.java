package dev.qwenomni.tensor;

import dev.qwenomni.sys.CpuFeatures;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * bf16 matrix products on the CPU's bf16 dot-product instructions, through the oneDNN matmul inside
 * ND4J's oneDNN builds: operands converted to bf16 (round to nearest even), float32 accumulation
 * inside oneDNN, a bf16 result, then alpha and beta in float32. Only where {@link #available()}.
 */
public final class Bf16OneDnnGemm implements Gemm {
    private static volatile Boolean available;

    private final Scratch a16 = new Scratch(DataType.BFLOAT16), b16 = new Scratch(DataType.BFLOAT16), c16 = new Scratch(DataType.BFLOAT16);

    /**
     * Whether this process can run it: the CPU has AVX512_BF16 or AMX-BF16, the loaded ND4J build
     * has oneDNN (its generic build has no usable bf16 matmul), and a small product computed this way
     * agrees with {@link Bf16EmulatedGemm}. Checked once.
     */
    public static boolean available() {
        if (available == null) {
            synchronized (Bf16OneDnnGemm.class) {
                if (available == null) available = CpuFeatures.hasBf16Matmul() && hasOneDnn() && agreesWithEmulation();
            }
        }
        return available;
    }

    /** Whether the ND4J native library in use was built with oneDNN. */
    public static boolean hasOneDnn() {
        Tensors.zeros(1); // loads the backend
        return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
    }

    private static boolean agreesWithEmulation() {
        try {
            INDArray a = Nd4j.rand(DataType.FLOAT, 33, 70), b = Nd4j.rand(DataType.FLOAT, 41, 70);
            INDArray want = Tensors.zeros(33, 41), got = Tensors.zeros(33, 41);
            new Bf16EmulatedGemm().gemm(a, b, want, false, true, 1, 0);
            new Bf16OneDnnGemm().gemm(a, b, got, false, true, 1, 0);
            // sums of 70 positive terms near 17: the two may differ by the final bf16 rounding (1 ulp = 2^-7 relative)
            return got.sub(want).norm1Number().doubleValue() <= 0.01 * want.norm1Number().doubleValue();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        INDArray a16v = bf16Copy(a, a16), b16v = bf16Copy(b, b16);
        INDArray p16 = c16.view(c.shape());
        Nd4j.exec(new Mmul(a16v, b16v, p16, new MMulTranspose(transA, transB, false)));
        Bf16GemmOutput.combine(p16, c, alpha, beta);
    }

    private static INDArray bf16Copy(INDArray x, Scratch s) {
        INDArray dense = Tensors.isDense(x) ? x : x.dup('c');
        INDArray r = s.view(x.shape());
        Bf16.fromFloats(Tensors.seg(dense), Tensors.segBf16(r), r.length());
        return r;
    }

    @Override
    public String name() { return "bf16-onednn"; }
}
