package dev.qwenomni.codec;

/**
 * A codec module on one item, channels-first: x is [C][T] flattened (index c * T + t). forward
 * keeps what backward needs; backward takes dL/dy, returns dL/dx and adds parameter gradients
 * into the gradient store (the layer contract of the whole project).
 */
public interface Module {
    float[] forward(float[] x, int T);

    /** Output length for input length T. */
    int outLength(int T);

    float[] backward(float[] dy);

    /**
     * The input positions [lo', hi'] that output positions [lo, hi] depend on (may reach outside
     * the input: that is where zero padding stands in). Used to size streaming windows exactly.
     */
    default int[] inputRange(int lo, int hi) { return new int[]{lo, hi}; }

    /** Sets how the dense convolutions inside compute (a module without any ignores it). */
    default void useConvKernel(dev.qwenomni.nn.ConvKernel kernel) {}
}
