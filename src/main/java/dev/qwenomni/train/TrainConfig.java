package dev.qwenomni.train;

/** Everything that shapes a training run, saved with its checkpoints. */
public record TrainConfig(int steps, int batch, int seqLen, int accum, double lr, int warmup, double minLrFraction,
                          double weightDecay, double beta1, double beta2, double eps, double clip,
                          int evalEvery, int evalBatches, int checkpointEvery, long seed, String attention) {
    public TrainConfig {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (batch < 1 || seqLen < 2 || accum < 1) throw new IllegalArgumentException("batch, seq-len and accum must be positive");
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
    }

    public LrSchedule schedule() { return new LrSchedule(lr, warmup, steps, minLrFraction); }
}
