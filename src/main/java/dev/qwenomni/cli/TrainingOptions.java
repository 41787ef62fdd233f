package dev.qwenomni.cli;

import dev.qwenomni.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * The options every training command shares (train, tts train, codec train). Their defaults differ
 * by command, so they come from the command's {@link Defaults} (a picocli default provider built on
 * the command's TrainConfig) rather than from the annotations; --help shows each command's own.
 */
public final class TrainingOptions {
    @Option(names = "--steps", description = "optimizer steps; the cosine schedule ends here (default ${DEFAULT-VALUE})") int steps;
    @Option(names = "--batch", description = "examples per micro-batch (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--accum", description = "micro-batches per optimizer step (default ${DEFAULT-VALUE})") int accum;
    @Option(names = "--lr", description = "peak learning rate (default ${DEFAULT-VALUE})") double lr;
    @Option(names = "--warmup", description = "linear warmup steps (default ${DEFAULT-VALUE})") int warmup;
    @Option(names = "--weight-decay", description = "AdamW's decoupled weight decay, matrices and embeddings only (default ${DEFAULT-VALUE})")
    double weightDecay;
    @Option(names = "--clip", description = "global gradient-norm clip (default ${DEFAULT-VALUE})") double clip;
    @Option(names = "--eval-every", description = "steps between validations (default ${DEFAULT-VALUE})") int evalEvery;
    @Option(names = "--checkpoint-every", description = "steps between checkpoints, plus one at the end (default ${DEFAULT-VALUE})") int checkpointEvery;
    @Option(names = "--seed", description = "initialisation and data order (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--stop-after", defaultValue = "2147483647", description = "stop (with a checkpoint) after this step; run again to resume")
    int stopAfter;
    @Option(names = "--precision", description = "matrix products in fp32, bf16 (float32 weights and sums; emulated and slower on a CPU "
            + "without bf16 dot products) or auto: bf16 where the CPU has AVX512_BF16 or AMX, else fp32 (default ${DEFAULT-VALUE})")
    String precision;
    @Option(names = "--no-progress", description = "no progress bar (log lines only)") boolean noProgress;

    /** The command's base config with these options applied. */
    TrainConfig applyTo(TrainConfig base) {
        return base.with(c -> {
            c.steps = steps; c.batch = batch; c.accum = accum; c.lr = lr; c.warmup = warmup; c.weightDecay = weightDecay; c.clip = clip;
            c.evalEvery = evalEvery; c.checkpointEvery = checkpointEvery; c.seed = seed;
            c.precision = precision;
        });
    }

    /** A command's training defaults, from its TrainConfig; picocli makes one per command (a no-argument subclass). */
    abstract static class Defaults implements CommandLine.IDefaultValueProvider {
        private final Map<String, String> values;

        Defaults(TrainConfig c) {
            values = Map.ofEntries(Map.entry("--steps", str(c.steps())), Map.entry("--batch", str(c.batch())),
                    Map.entry("--accum", str(c.accum())), Map.entry("--lr", str(c.lr())), Map.entry("--warmup", str(c.warmup())),
                    Map.entry("--weight-decay", str(c.weightDecay())), Map.entry("--clip", str(c.clip())),
                    Map.entry("--eval-every", str(c.evalEvery())), Map.entry("--checkpoint-every", str(c.checkpointEvery())),
                    Map.entry("--seed", str(c.seed())), Map.entry("--precision", c.precision()));
        }

        private static String str(double v) {
            return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        }

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            return arg instanceof CommandLine.Model.OptionSpec o ? values.get(o.longestName()) : null;
        }
    }
}
