package dev.qwenomni.codec;

/** Where a NoiseBlock's noise comes from: off, or Gaussian draws from a seeded stream. */
public interface NoiseSource {
    float[] sample(int T);

    NoiseSource OFF = T -> new float[T];

    static NoiseSource seeded(long seed) {
        java.util.Random r = new java.util.Random(seed);
        return T -> {
            float[] n = new float[T];
            for (int i = 0; i < T; i++) n[i] = (float) r.nextGaussian();
            return n;
        };
    }
}
