package dev.qwenomni.audio;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.*;

/** Central differences of a signal loss at random samples, against its analytic gradient. */
final class SampleGradCheck {
    private SampleGradCheck() {}

    /**
     * {@code grad} holds weight * d loss / d pred. At each of {@code samples} random samples the loss is probed at
     * pred +- step(pred[i]); the difference quotient must match within 2e-3 of the largest gradient plus 1% of itself,
     * and more than {@code minChecked} of the samples must have a gradient.
     */
    static void check(ToDoubleFunction<float[]> loss, float[] pred, float[] grad, float weight, int samples, long seed,
                      DoubleUnaryOperator step, int minChecked) {
        double gmax = 0;
        for (float g : grad) gmax = Math.max(gmax, Math.abs(g));
        assertTrue(gmax > 0);
        SplittableRandom r = new SplittableRandom(seed);
        int checked = 0;
        for (int t = 0; t < samples; t++) {
            int i = r.nextInt(pred.length);
            float keep = pred[i], h = (float) step.applyAsDouble(keep);
            pred[i] = keep + h;
            double up = loss.applyAsDouble(pred);
            pred[i] = keep - h;
            double down = loss.applyAsDouble(pred);
            pred[i] = keep;
            double fd = weight * (up - down) / ((double) (keep + h) - (keep - h));
            assertEquals(fd, grad[i], 2e-3 * gmax + 1e-2 * Math.abs(fd), "sample " + i);
            if (grad[i] != 0) checked++;
        }
        assertTrue(checked > minChecked, "samples with a gradient: " + checked);
    }

    /** A loss on a signal that adds weight * d loss / d pred into dPred when it is not null. */
    interface SignalLoss {
        double compute(float[] pred, float[] target, float[] dPred, float weight);
    }

    /** {@link #check} of the loss's own gradient at pred, taken at this weight. */
    static void checkLoss(SignalLoss loss, float[] pred, float[] target, float weight, int samples, long seed,
                          DoubleUnaryOperator step, int minChecked) {
        float[] grad = new float[pred.length];
        loss.compute(pred, target, grad, weight);
        check(p -> loss.compute(p, target, null, weight), pred, grad, weight, samples, seed, step, minChecked);
    }
}
