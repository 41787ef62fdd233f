package dev.qwenomni.train;

/** Linear warmup from 0 to peak over warmup steps, then cosine decay to minFraction * peak at total. */
public record LrSchedule(double peak, int warmup, int total, double minFraction) {
    public double at(int step) {
        if (warmup > 0 && step <= warmup) return peak * step / warmup;
        if (step >= total) return peak * minFraction;
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (minFraction + (1 - minFraction) * cos);
    }
}
