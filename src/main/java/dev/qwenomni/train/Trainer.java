package dev.qwenomni.train;

import dev.qwenomni.data.ByteTokenizer;
import dev.qwenomni.model.Qwen3Model;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training loop: accumulate gradients over micro-batches, clip by global norm, AdamW with
 * warmup + cosine, evaluate and checkpoint on a schedule, log JSON lines, and stop cleanly on a
 * non-finite loss (the last good checkpoint stays in force). One loop for every data source.
 */
public final class Trainer {
    private static final Logger log = LoggerFactory.getLogger(Trainer.class);

    /** What a finished run reports. */
    public record Summary(int steps, double lastTrainLoss, double valLoss, double valAccuracy, double tokensPerSecond) {}

    /** Raised when the loss or gradient stops being finite. */
    public static final class DivergedException extends RuntimeException {
        DivergedException(String msg) { super(msg); }
    }

    private final Qwen3Model model;
    private final DataSource data;
    private final TrainConfig cfg;
    private final ByteTokenizer tokenizer;
    private final Path outDir;
    private final AdamW adam;
    private boolean progress = true;
    private double referenceLoss = Double.NaN;
    private String referenceLabel = "";

    public Trainer(Qwen3Model model, DataSource data, TrainConfig cfg, ByteTokenizer tokenizer, Path outDir) {
        this.model = model;
        this.data = data;
        this.cfg = cfg;
        this.tokenizer = tokenizer;
        this.outDir = outDir;
        this.adam = new AdamW((float) cfg.beta1(), (float) cfg.beta2(), (float) cfg.eps(), (float) cfg.weightDecay());
    }

    public Trainer showProgress(boolean on) { progress = on; return this; }

    /** A horizontal reference line for the plot, e.g. the unigram entropy. */
    public Trainer reference(double loss, String label) { referenceLoss = loss; referenceLabel = label; return this; }

    public Path checkpointRoot() { return outDir.resolve("checkpoints"); }

    /** Runs from the latest checkpoint under outDir (or from scratch) to cfg.steps. */
    public Summary run(long initSeed) throws IOException {
        return run(initSeed, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #run(long)} but stops (with a checkpoint) after step {@code stopAfter}, so a long
     * run can be done in pieces; the schedule still spans cfg.steps.
     */
    public Summary run(long initSeed, int stopAfter) throws IOException {
        int B = cfg.batch(), T = cfg.seqLen(), N = B * T;
        int[] ids = new int[N], targets = new int[N];
        TrainingState state = new TrainingState(0, 0, 0, cfg.seed(), 0);
        var latest = Checkpoints.latest(checkpointRoot());
        if (latest.isPresent()) {
            state = Checkpoints.restore(latest.get(), model);
            data.seek(state.dataEpoch(), state.dataIndex());
            log.info("resumed from {} at step {}", latest.get(), state.step());
        } else {
            model.weights.initialize(initSeed);
        }
        LrSchedule sched = cfg.schedule();
        double lastLoss = Double.NaN, tokPerSec = 0;
        double[] lastEval = {Double.NaN, Double.NaN};
        long tokens = state.tokensSeen();
        long runStart = System.nanoTime();
        int startStep = state.step();
        try (MetricsLog metrics = new MetricsLog(outDir.resolve("metrics.jsonl"));
             ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("train").setInitialMax(cfg.steps())
                     .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(2000).startsFrom(startStep, java.time.Duration.ZERO)
                     .continuousUpdate().build() : null) {
            int endStep = Math.min(cfg.steps(), stopAfter);
            if (startStep >= endStep) lastEval = evaluate(ids, targets);
            for (int step = startStep + 1; step <= endStep; step++) {
                long t0 = System.nanoTime();
                model.params().zeroGrads();
                double lossSum = 0;
                int correct = 0, counted = 0;
                for (int micro = 0; micro < cfg.accum(); micro++) {
                    data.nextTrain(B, T, ids, targets);
                    Qwen3Model.Result r = model.forward(ids, targets, B, T, 1f / cfg.accum());
                    model.backward();
                    lossSum += r.loss();
                    correct += r.correct();
                    counted += r.count();
                }
                double loss = lossSum / cfg.accum();
                double norm = model.params().gradNorm();
                if (!Double.isFinite(loss) || !Double.isFinite(norm))
                    throw new DivergedException(String.format("step %d: loss %s, gradient norm %s; stopping. The last good checkpoint is %s",
                            step, loss, norm, Checkpoints.latest(checkpointRoot()).map(Path::toString).orElse("(none yet)")));
                float clipScale = cfg.clip() > 0 && norm > cfg.clip() ? (float) (cfg.clip() / norm) : 1f;
                double lr = sched.at(step);
                adam.step(model.params(), (float) lr, step, clipScale);
                tokens += (long) N * cfg.accum();
                double dt = (System.nanoTime() - t0) / 1e9;
                tokPerSec = N * cfg.accum() / dt;
                lastLoss = loss;

                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("type", "train");
                ev.put("step", step);
                ev.put("loss", loss);
                ev.put("accuracy", (double) correct / Math.max(1, counted));
                ev.put("lr", lr);
                ev.put("grad_norm", norm);
                ev.put("tokens", tokens);
                ev.put("tokens_per_s", tokPerSec);
                ev.put("elapsed_s", (System.nanoTime() - runStart) / 1e9);
                metrics.write(ev);
                if (bar != null) {
                    bar.stepTo(step);
                    bar.setExtraMessage(String.format(" loss %.3f  %.0f tok/s", loss, tokPerSec));
                }

                boolean last = step == endStep;
                if ((cfg.evalEvery() > 0 && step % cfg.evalEvery() == 0) || last) {
                    lastEval = evaluate(ids, targets);
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("type", "eval");
                    e.put("step", step);
                    e.put("val_loss", lastEval[0]);
                    e.put("val_accuracy", lastEval[1]);
                    e.put("val_perplexity", Math.exp(lastEval[0]));
                    metrics.write(e);
                    log.info("step {}: train loss {} val loss {} (ppl {}), val accuracy {}", step, fmt(loss), fmt(lastEval[0]),
                            fmt(Math.exp(lastEval[0])), fmt(lastEval[1]));
                }
                if ((cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0) || last) {
                    Checkpoints.save(checkpointRoot(), model, tokenizer,
                            new TrainingState(step, data.epoch(), data.index(), cfg.seed(), tokens), cfg, 2);
                }
            }
        } finally {
            // the whole history, across resumes, comes from the metrics file
            LossPlot.fromMetrics(outDir.resolve("metrics.jsonl"), outDir.resolve("loss.png"), referenceLoss, referenceLabel);
        }
        return new Summary(Math.max(startStep, Math.min(cfg.steps(), stopAfter)), lastLoss, lastEval[0], lastEval[1], tokPerSec);
    }

    /** Mean loss and token accuracy over the fixed evaluation batches. */
    public double[] evaluate(int[] ids, int[] targets) {
        double loss = 0;
        long correct = 0, count = 0;
        for (int i = 0; i < cfg.evalBatches(); i++) {
            data.evalBatch(i, cfg.batch(), cfg.seqLen(), ids, targets);
            Qwen3Model.Result r = model.forward(ids, targets, cfg.batch(), cfg.seqLen(), 1f);
            loss += r.loss() * r.count();
            correct += r.correct();
            count += r.count();
        }
        return new double[]{loss / count, (double) correct / count};
    }

    private static String fmt(double x) { return String.format("%.4f", x); }
}
