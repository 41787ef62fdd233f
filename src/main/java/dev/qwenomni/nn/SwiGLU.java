package dev.qwenomni.nn;

import dev.qwenomni.tensor.Kernels;

import java.lang.foreign.MemorySegment;

/** The gated activation of the Qwen3 MLP: silu(gate) * up. */
public final class SwiGLU {
    private SwiGLU() {}

    public static void forward(MemorySegment out, MemorySegment gate, MemorySegment up, long n) {
        Kernels.swigluForward(out, gate, up, n);
    }

    public static void backward(MemorySegment dGate, MemorySegment dUp, MemorySegment dOut, MemorySegment gate,
                                MemorySegment up, long n) {
        Kernels.swigluBackward(dGate, dUp, dOut, gate, up, n);
    }
}
