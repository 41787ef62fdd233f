package dev.qwenomni.codec;

import java.util.List;

/** Modules applied in order; backward in reverse. */
public final class Sequential implements Module {
    final List<Module> modules;

    public Sequential(List<Module> modules) { this.modules = List.copyOf(modules); }

    @Override
    public float[] forward(float[] x, int T) {
        for (Module m : modules) {
            x = m.forward(x, T);
            T = m.outLength(T);
        }
        return x;
    }

    @Override
    public int outLength(int T) {
        for (Module m : modules) T = m.outLength(T);
        return T;
    }

    @Override
    public int[] inputRange(int lo, int hi) {
        int[] r = {lo, hi};
        for (int i = modules.size() - 1; i >= 0; i--) r = modules.get(i).inputRange(r[0], r[1]);
        return r;
    }

    @Override
    public void useConvKernel(dev.qwenomni.nn.ConvKernel kernel) { modules.forEach(m -> m.useConvKernel(kernel)); }

    @Override
    public float[] backward(float[] dy) {
        for (int i = modules.size() - 1; i >= 0; i--) dy = modules.get(i).backward(dy);
        return dy;
    }
}
