package dev.qwenomni.tensor;

import java.util.SplittableRandom;

/** Random draws for weight initialisation, the same bits on every JVM for a seed. */
public final class Init {
    private Init() {}

    /** A standard normal draw (Box-Muller on two uniforms). */
    public static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
