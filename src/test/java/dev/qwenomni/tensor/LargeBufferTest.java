package dev.qwenomni.tensor;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A buffer over 2 GiB (the flat weights of a 0.6B-parameter model: 600 M floats) is reached whole
 * by the kernels: a ByteBuffer stops at 2^31 - 1 bytes, so such a segment comes from the native
 * address. Slow tier: it allocates 2.4 GB.
 */
@Tag("slow")
class LargeBufferTest {
    @Test
    void aBufferOverTwoGigabytesIsReachedToItsLastFloat() {
        long n = 600_000_000L;
        INDArray a = Tensors.zeros(n);
        MemorySegment s = Tensors.seg(a);
        assertEquals(n * Float.BYTES, s.byteSize());
        Kernels.set(s, n - 1, 3.5f);
        Kernels.set(s, 0, -1.25f);
        assertEquals(3.5f, a.getFloat(n - 1), "the kernel's write is the array's last element");
        assertEquals(-1.25f, a.getFloat(0));
        MemorySegment tail = Tensors.seg(Tensors.view(a, n - 10, 10));
        assertEquals(3.5f, Kernels.get(tail, 9), "a view near the end starts at its offset");
    }
}
