package dev.qwenomni.train;

/**
 * Everything that shapes a training run, saved with its checkpoints. Built by name from
 * {@link #defaults()}: {@code TrainConfig.defaults().with(c -> { c.steps = 2000; c.lr = 3e-4; })}.
 */
public record TrainConfig(int steps, int batch, int seqLen, int accum, double lr, int warmup, double minLrFraction,
                          double weightDecay, double beta1, double beta2, double eps, double clip,
                          int evalEvery, int evalBatches, int checkpointEvery, long seed, String attention,
                          String precision) {
    public TrainConfig {
        if (precision == null) precision = "fp32"; // configs saved before mixed precision existed ran in float32
        if (!java.util.Set.of("fp32", "bf16", "auto").contains(precision))
            throw new IllegalArgumentException("unknown precision '" + precision + "' (fp32, bf16 or auto)");
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (batch < 1 || seqLen < 2 || accum < 1) throw new IllegalArgumentException("batch, seq-len and accum must be positive");
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        if (warmup < 0) throw new IllegalArgumentException("warmup must be 0 or more, got " + warmup);
        if (evalEvery < 1 || checkpointEvery < 1 || evalBatches < 1)
            throw new IllegalArgumentException("eval-every, eval-batches and checkpoint-every must be positive");
    }

    /** The text LM's defaults (AdamW betas 0.9 / 0.95, cosine to 10% of the peak, clip 1). */
    public static TrainConfig defaults() {
        return new TrainConfig(1000, 8, 256, 1, 2e-3, 40, 0.1, 0.1, 0.9, 0.95, 1e-8, 1.0, 100, 8, 100, 1234, "block_causal", "auto");
    }

    public LrSchedule schedule() { return new LrSchedule(lr, warmup, steps, minLrFraction); }

    /** A copy with some settings changed by name: {@code cfg.with(c -> { c.steps = 2000; c.lr = 3e-4; })}. */
    public TrainConfig with(java.util.function.Consumer<Settings> change) {
        Settings b = new Settings(this);
        change.accept(b);
        return new TrainConfig(b.steps, b.batch, b.seqLen, b.accum, b.lr, b.warmup, b.minLrFraction, b.weightDecay, b.beta1, b.beta2,
                b.eps, b.clip, b.evalEvery, b.evalBatches, b.checkpointEvery, b.seed, b.attention, b.precision);
    }

    /** The settings of {@link #with}, by name. seqLen is samples per segment for the codec; evalBatches its validation clips. */
    public static final class Settings {
        public int steps, batch, seqLen, accum, warmup, evalEvery, evalBatches, checkpointEvery;
        public double lr, minLrFraction, weightDecay, beta1, beta2, eps, clip;
        public long seed;
        /** The attention kernel's name (materialized, flash or block_causal), or "n/a" for a model without attention. */
        public String attention;
        /** The matrix products' precision: fp32, bf16, or auto (bf16 where the CPU has bf16 dot products). */
        public String precision;

        private Settings(TrainConfig c) {
            steps = c.steps; batch = c.batch; seqLen = c.seqLen; accum = c.accum; lr = c.lr; warmup = c.warmup;
            minLrFraction = c.minLrFraction; weightDecay = c.weightDecay; beta1 = c.beta1; beta2 = c.beta2; eps = c.eps; clip = c.clip;
            evalEvery = c.evalEvery; evalBatches = c.evalBatches; checkpointEvery = c.checkpointEvery; seed = c.seed; attention = c.attention;
            precision = c.precision;
        }
    }
}
