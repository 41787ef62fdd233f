package dev.qwenomni.cli;

import dev.qwenomni.data.ByteTokenizer;
import dev.qwenomni.data.TextCorpus;
import dev.qwenomni.model.ModelShape;
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
@Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = TrainCommand.Defaults.class,
        description = "Train the Qwen3-style LM on text (byte tokens). Resumes from OUT/checkpoints when present.")
public final class TrainCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    static final class Defaults extends TrainingOptions.Defaults {
        Defaults() { super(TrainConfig.defaults()); }
    }

    @Option(names = "--out", defaultValue = "runs/text", description = "run folder: checkpoints, metrics.jsonl, loss.png (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--corpus", defaultValue = DataPaths.CORPUS, description = "text, one passage per line, .gz allowed (default ${DEFAULT-VALUE})")
    Path corpus;
    @Option(names = "--cache", defaultValue = DataPaths.CACHE, description = "token cache folder (default ${DEFAULT-VALUE})")
    Path cache;
    @Option(names = "--seq-len", defaultValue = "256", description = "tokens per sequence (default ${DEFAULT-VALUE})") int seqLen;
    @Option(names = "--eval-batches", defaultValue = "8", description = "validation batches (default ${DEFAULT-VALUE})") int evalBatches;
    @Option(names = "--min-lr-fraction", defaultValue = "0.1", description = "the cosine's floor, as a fraction of the peak (default ${DEFAULT-VALUE})")
    double minLrFraction;
    @Option(names = "--attention", defaultValue = "block_causal", description = "attention kernel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    AttentionKind attention;
    @Mixin
    TrainingOptions training;
    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        ByteTokenizer tok = new ByteTokenizer();
        Qwen3Config cfg = modelOptions.shape().config(ModelShape.roundUp(tok.vocabSize(), 8), ByteTokenizer.EOT);
        TrainConfig tc = training.applyTo(TrainConfig.defaults()).with(c -> {
            c.seqLen = seqLen; c.evalBatches = evalBatches; c.minLrFraction = minLrFraction; c.attention = attention.name().toLowerCase(java.util.Locale.ROOT);
        });
        AttentionKind kind = attention;
        TextCorpus text = TextCorpus.load(corpus, tok, 2, cache);
        double unigram = text.unigramEntropy(cfg.vocabSize());
        Qwen3Model model = new Qwen3Model(cfg, kind);
        log.info("corpus {}: {} train / {} validation tokens, unigram entropy {} nats", corpus, text.train.length, text.val.length,
                String.format("%.4f", unigram));
        log.info("model: {} parameters, {} layers, hidden {}, attention {}", model.params().count(), cfg.numLayers(), cfg.hiddenSize(), kind);
        LmTask task = new LmTask(model, new TextDataSource(text, seqLen, tc.seed()), tok, tc.batch(), seqLen, evalBatches);
        Trainer trainer = new Trainer(task, tc, out).showProgress(!training.noProgress).reference(unigram, "unigram entropy");
        Trainer.Summary s = trainer.run(tc.seed(), training.stopAfter);
        log.info("done: {} steps, validation loss {} (unigram entropy {}), accuracy {}, {} tokens/s; checkpoint in {}, plot {}",
                s.steps(), String.format("%.4f", s.valLoss()), String.format("%.4f", unigram),
                String.format("%.3f", s.eval().getOrDefault("val_accuracy", Double.NaN)),
                String.format("%.0f", s.unitsPerSecond()), trainer.checkpointRoot(), out.resolve("loss.png"));
        return 0;
    }
}
