package dev.qwenomni.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * ND4J plumbing: float32 arrays, views into flat buffers, gemm into preallocated outputs, and
 * MemorySegment views of ND4J's off-heap memory for the Vector API kernels.
 */
public final class Tensors {
    static {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private Tensors() {}

    /** Zero-filled, c-order float32 array. */
    public static INDArray zeros(long... shape) {
        return Nd4j.create(DataType.FLOAT, shape);
    }

    /** A c-order view of {@code flat} starting {@code offset} elements into it. */
    public static INDArray view(INDArray flat, long offset, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        if (offset < 0 || offset + n > flat.length())
            throw new IllegalArgumentException("view [" + offset + ", " + (offset + n) + ") outside buffer of " + flat.length());
        return Nd4j.create(flat.data(), shape, Nd4j.getStrides(shape, 'c'), flat.offset() + offset, 'c', DataType.FLOAT);
    }

    /** The array's elements as a native-order memory segment (the array must be dense c-order). */
    public static MemorySegment seg(INDArray a) {
        if (a.dataType() != DataType.FLOAT) throw new IllegalArgumentException("expected FLOAT, got " + a.dataType());
        return rawSeg(a, Float.BYTES);
    }

    /** A dense c-order bfloat16 array's elements (2 bytes each) as a native-order memory segment. */
    public static MemorySegment segBf16(INDArray a) {
        if (a.dataType() != DataType.BFLOAT16) throw new IllegalArgumentException("expected BFLOAT16, got " + a.dataType());
        return rawSeg(a, 2);
    }

    /** Whether {@link #seg} accepts the array as it is. */
    public static boolean isDense(INDArray a) {
        return a.ordering() == 'c' && (a.length() <= 1 || a.elementWiseStride() == 1);
    }

    private static MemorySegment rawSeg(INDArray a, int bytes) {
        if (!isDense(a))
            throw new IllegalArgumentException("kernel input must be a dense c-order array, got " + a.shapeInfoToString());
        // the array's elements end this far from the buffer's start (a view's buffer starts where its base's does)
        long end = (a.offset() + a.length()) * bytes;
        // a ByteBuffer holds at most 2^31 - 1 bytes: memory beyond that (the weights of a 0.6B model)
        // is reached through the buffer's native address (the caller keeps the array alive either way)
        MemorySegment whole = end <= Integer.MAX_VALUE
                ? MemorySegment.ofBuffer(a.data().asNio().order(ByteOrder.nativeOrder()))
                : MemorySegment.ofAddress(a.data().address()).reinterpret(end);
        return whole.asSlice(a.offset() * bytes, a.length() * bytes);
    }

    /** c = alpha * op(a) op(b) + beta * c, written in place (c preallocated, dense c-order). */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        Fp32Gemm.INSTANCE.gemm(a, b, c, transA, transB, alpha, beta);
    }

    public static long numel(long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }
}
