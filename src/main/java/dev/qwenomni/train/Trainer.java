package dev.qwenomni.train;

import dev.qwenomni.tensor.Autocast;
import dev.qwenomni.tensor.Precision;
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
 * The training loop for any {@link TrainTask}: accumulate gradients over micro-batches, clip by
 * global norm, AdamW with warmup + cosine, evaluate and checkpoint on a schedule, log JSON lines,
 * and stop cleanly on a non-finite loss (the last good checkpoint stays in force).
 */
public final class Trainer {
    private static final Logger log = LoggerFactory.getLogger(Trainer.class);

    /** What a finished run reports. */
    public record Summary(int steps, double lastTrainLoss, Map<String, Double> eval, double unitsPerSecond) {
        public double valLoss() { return eval.getOrDefault("val_loss", Double.NaN); }
    }

    /** Raised when the loss or gradient stops being finite. */
    public static final class DivergedException extends RuntimeException {
        DivergedException(String msg) { super(msg); }
    }

    private final TrainTask task;
    private final TrainConfig cfg;
    private final Precision precision;
    private final Path outDir;
    private final AdamW adam;
    private boolean progress = true;
    private double referenceLoss = Double.NaN;
    private String referenceLabel = "";
    private java.util.function.IntConsumer afterStep = step -> {};

    public Trainer(TrainTask task, TrainConfig cfg, Path outDir) {
        this.task = task;
        this.precision = Precision.parse(cfg.precision());
        // the checkpoints record the precision that ran, not "auto"
        this.cfg = cfg.with(c -> c.precision = precision.label());
        this.outDir = outDir;
        this.adam = new AdamW((float) cfg.beta1(), (float) cfg.beta2(), (float) cfg.eps(), (float) cfg.weightDecay());
    }

    public Trainer showProgress(boolean on) { progress = on; return this; }

    /** A horizontal reference line for the plot, e.g. the unigram entropy. */
    public Trainer reference(double loss, String label) { referenceLoss = loss; referenceLabel = label; return this; }

    /** Work after each optimizer step, given the step number (the codec re-seeds dead codes here). */
    public Trainer afterStep(java.util.function.IntConsumer r) { afterStep = r; return this; }

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
        TrainingState state = new TrainingState(0, 0, 0, cfg.seed(), 0);
        var latest = Checkpoints.latest(checkpointRoot());
        if (latest.isPresent()) {
            state = Checkpoints.restore(latest.get(), task);
            task.seek(state.dataEpoch(), state.dataIndex());
            log.info("resumed from {} at step {}", latest.get(), state.step());
        } else {
            task.initialize(initSeed);
        }
        log.info(precision.describe());
        LrSchedule sched = cfg.schedule();
        double lastLoss = Double.NaN, perSec = 0;
        Map<String, Double> lastEval = Map.of();
        long units = state.tokensSeen();
        long runStart = System.nanoTime();
        int startStep = state.step();
        int endStep = Math.min(cfg.steps(), stopAfter);
        try (MetricsLog metrics = new MetricsLog(outDir.resolve("metrics.jsonl"));
             ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("train").setInitialMax(cfg.steps())
                     .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(2000).startsFrom(startStep, java.time.Duration.ZERO)
                     .continuousUpdate().build() : null) {
            if (startStep >= endStep) lastEval = evaluate();
            for (int step = startStep + 1; step <= endStep; step++) {
                long t0 = System.nanoTime();
                task.params().zeroGrads();
                Map<String, Double> sums = new LinkedHashMap<>();
                try (var scope = Autocast.enter(precision)) {
                    for (int micro = 0; micro < cfg.accum(); micro++)
                        task.step(1f / cfg.accum()).forEach((k, v) -> sums.merge(k, v / cfg.accum(), Double::sum));
                }
                double loss = sums.get("loss");
                double norm = task.params().gradNorm();
                if (!Double.isFinite(loss) || !Double.isFinite(norm))
                    throw new DivergedException(String.format("step %d: loss %s, gradient norm %s; stopping. The last good checkpoint is %s",
                            step, loss, norm, Checkpoints.latest(checkpointRoot()).map(Path::toString).orElse("(none yet)")));
                float clipScale = cfg.clip() > 0 && norm > cfg.clip() ? (float) (cfg.clip() / norm) : 1f;
                double lr = sched.at(step);
                adam.step(task.params(), (float) lr, step, clipScale);
                afterStep.accept(step);
                units += task.unitsPerStep() * cfg.accum();
                double dt = (System.nanoTime() - t0) / 1e9;
                perSec = task.unitsPerStep() * cfg.accum() / dt;
                lastLoss = loss;

                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("type", "train");
                ev.put("step", step);
                ev.putAll(sums);
                ev.put("lr", lr);
                ev.put("grad_norm", norm);
                ev.put(task.unitName() + "s", units);
                ev.put(task.unitName() + "s_per_s", perSec);
                ev.put("elapsed_s", (System.nanoTime() - runStart) / 1e9);
                metrics.write(ev);
                if (bar != null) {
                    bar.stepTo(step);
                    bar.setExtraMessage(String.format(" loss %.3f  %.0f %s/s", loss, perSec, task.unitName()));
                }

                boolean last = step == endStep;
                if ((cfg.evalEvery() > 0 && step % cfg.evalEvery() == 0) || last) {
                    lastEval = evaluate();
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("type", "eval");
                    e.put("step", step);
                    e.putAll(lastEval);
                    metrics.write(e);
                    log.info("step {}: train loss {}, eval {}", step, fmt(loss), format(lastEval));
                }
                if ((cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0) || last) {
                    Checkpoints.save(checkpointRoot(), task, new TrainingState(step, task.dataEpoch(), task.dataIndex(), cfg.seed(), units), cfg, 2);
                }
            }
        } finally {
            // the whole history, across resumes, comes from the metrics file
            LossPlot.fromMetrics(outDir.resolve("metrics.jsonl"), outDir.resolve("loss.png"), task.lossUnit(), referenceLoss, referenceLabel);
        }
        return new Summary(Math.max(startStep, endStep), lastLoss, lastEval, perSec);
    }

    private static String format(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(fmt(v)));
        return sb.toString();
    }

    /** Validation at the training precision, so its loss is comparable with the training loss. */
    private Map<String, Double> evaluate() {
        try (var scope = Autocast.enter(precision)) {
            return task.evaluate();
        }
    }

    private static String fmt(double x) { return String.format("%.4f", x); }
}
