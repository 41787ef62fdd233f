package dev.qwenomni.cli;

import dev.qwenomni.data.ByteTokenizer;
import dev.qwenomni.data.TextCorpus;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.lm.LmTask;
import dev.qwenomni.lm.TextDataSource;
import dev.qwenomni.train.TrainConfig;
import dev.qwenomni.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Text-only language-model training on the committed corpus. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the Qwen3-style LM on text (byte tokens). Resumes from OUT/checkpoints when present.")
public final class TrainCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    @Option(names = "--out", defaultValue = "runs/text", description = "run folder: checkpoints, metrics.jsonl, loss.png (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--corpus", defaultValue = DataPaths.CORPUS, description = "text, one passage per line, .gz allowed (default ${DEFAULT-VALUE})")
    Path corpus;
    @Option(names = "--cache", defaultValue = DataPaths.CACHE, description = "token cache folder (default ${DEFAULT-VALUE})")
    Path cache;
    @Option(names = "--steps", defaultValue = "1000") int steps;
    @Option(names = "--batch", defaultValue = "8") int batch;
    @Option(names = "--seq-len", defaultValue = "256") int seqLen;
    @Option(names = "--accum", defaultValue = "1", description = "gradient accumulation micro-batches") int accum;
    @Option(names = "--lr", defaultValue = "2e-3") double lr;
    @Option(names = "--warmup", defaultValue = "40") int warmup;
    @Option(names = "--min-lr-fraction", defaultValue = "0.1") double minLrFraction;
    @Option(names = "--weight-decay", defaultValue = "0.1") double weightDecay;
    @Option(names = "--clip", defaultValue = "1.0", description = "global gradient-norm clip (0 = off)") double clip;
    @Option(names = "--eval-every", defaultValue = "100") int evalEvery;
    @Option(names = "--eval-batches", defaultValue = "8") int evalBatches;
    @Option(names = "--checkpoint-every", defaultValue = "100") int checkpointEvery;
    @Option(names = "--seed", defaultValue = "1234") long seed;
    @Option(names = "--attention", defaultValue = "materialized", description = "attention kernel: materialized or flash (default ${DEFAULT-VALUE})")
    String attention;
    @Option(names = "--no-progress", description = "no progress bar") boolean noProgress;
    @Option(names = "--stop-after", defaultValue = "2147483647", description = "stop (with a checkpoint) after this step; resume later") int stopAfter;
    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        ByteTokenizer tok = new ByteTokenizer();
        Qwen3Config cfg = modelOptions.config(roundUp(tok.vocabSize(), 8), ByteTokenizer.EOT);
        TrainConfig tc = new TrainConfig(steps, batch, seqLen, accum, lr, warmup, minLrFraction, weightDecay, 0.9, 0.95, 1e-8,
                clip, evalEvery, evalBatches, checkpointEvery, seed, attention);
        AttentionKind kind = AttentionKind.parse(attention);
        TextCorpus text = TextCorpus.load(corpus, tok, 2, cache);
        double unigram = text.unigramEntropy(cfg.vocabSize());
        Qwen3Model model = new Qwen3Model(cfg, kind);
        log.info("corpus {}: {} train / {} validation tokens, unigram entropy {} nats", corpus, text.train.length, text.val.length,
                String.format("%.4f", unigram));
        log.info("model: {} parameters, {} layers, hidden {}, attention {}", model.params().count(), cfg.numLayers(), cfg.hiddenSize(), kind);
        LmTask task = new LmTask(model, new TextDataSource(text, seqLen, seed), tok, batch, seqLen, evalBatches);
        Trainer trainer = new Trainer(task, tc, out).showProgress(!noProgress).reference(unigram, "unigram entropy");
        Trainer.Summary s = trainer.run(seed, stopAfter);
        log.info("done: {} steps, validation loss {} (unigram entropy {}), accuracy {}, {} tokens/s; checkpoint in {}, plot {}",
                s.steps(), String.format("%.4f", s.valLoss()), String.format("%.4f", unigram),
                String.format("%.3f", s.eval().getOrDefault("val_accuracy", Double.NaN)),
                String.format("%.0f", s.unitsPerSecond()), trainer.checkpointRoot(), out.resolve("loss.png"));
        return 0;
    }

    static int roundUp(int x, int m) { return (x + m - 1) / m * m; }
}
