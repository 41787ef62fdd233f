package dev.qwenomni.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.EnumMap;

/**
 * The matrix-product precision of the current thread, like torch.autocast: layers whose products
 * may run in bf16 (linear projections, convolutions) call {@link #gemm}; the rest (attention
 * scores, decoding) call {@link Tensors#gemm}, always float32. Float32 unless a scope says otherwise:
 * <pre>try (var s = Autocast.enter(Precision.BF16)) { task.step(...); }</pre>
 */
public final class Autocast {
    private static final ThreadLocal<Gemm> CURRENT = ThreadLocal.withInitial(() -> Fp32Gemm.INSTANCE);
    // one kernel per precision and thread, so its scratch buffers outlive a scope (a training step)
    private static final ThreadLocal<EnumMap<Precision, Gemm>> KERNELS = ThreadLocal.withInitial(() -> new EnumMap<>(Precision.class));

    private Autocast() {}

    /** Restores the previous precision when closed. */
    public interface Scope extends AutoCloseable {
        @Override void close();
    }

    public static Scope enter(Precision p) {
        Gemm previous = CURRENT.get();
        CURRENT.set(KERNELS.get().computeIfAbsent(p, Precision::newGemm));
        return () -> CURRENT.set(previous);
    }

    /** The kernel products run on in this thread now. */
    public static Gemm current() { return CURRENT.get(); }

    /** c = alpha * op(a) op(b) + beta * c at the current thread's precision. */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        CURRENT.get().gemm(a, b, c, transA, transB, alpha, beta);
    }
}
