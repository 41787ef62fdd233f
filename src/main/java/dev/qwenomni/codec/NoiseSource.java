package dev.qwenomni.codec;

/**
 * Where a NoiseBlock's noise comes from: off, or N(0, 1) values that depend only on (seed,
 * block, absolute position), so a decode of any window draws the same noise a one-shot decode
 * draws at the same samples (streaming is then seam-exact with noise on).
 */
public interface NoiseSource {
    /** Noise for positions [start, start + T) of noise block {@code block}. */
    float[] sample(int block, long start, int T);

    NoiseSource OFF = (block, start, T) -> new float[T];

    static NoiseSource seeded(long seed) {
        return (block, start, T) -> {
            float[] n = new float[T];
            for (int i = 0; i < T; i++) {
                long h = mix(seed ^ mix(block * 0x9E3779B97F4A7C15L + start + i));
                double u1 = ((h >>> 11) + 1) * 0x1.0p-53, u2 = (mix(h) >>> 11) * 0x1.0p-53;
                n[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
            }
            return n;
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
