package dev.qwenomni.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws one token from logits restricted to a set of allowed ids (the caller's grammar): the
 * repetition penalty, then temperature, top-k and top-p (nucleus) over the allowed ids only.
 * One sampler per sequence, seeded, so a batch of texts gives each the same tokens it would get
 * alone.
 */
public final class Sampler {
    private final SamplingConfig cfg;
    private final SplittableRandom rng;

    public Sampler(SamplingConfig cfg) {
        this.cfg = cfg;
        this.rng = new SplittableRandom(cfg.seed());
    }

    /**
     * @param allowed  candidate token ids (not modified)
     * @param history  tokens so far (for the repetition penalty); history[0, historyLen) is used
     */
    public int sample(float[] logits, int[] allowed, int[] history, int historyLen) {
        if (allowed.length == 0) throw new IllegalArgumentException("no token is allowed here");
        int n = allowed.length;
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            int id = allowed[i];
            if (id < 0 || id >= logits.length) throw new IllegalArgumentException("allowed token " + id + " outside vocabulary of " + logits.length);
            score[i] = logits[id];
        }
        if (cfg.repetitionPenalty() != 1 && historyLen > 0) {
            int from = cfg.repetitionWindow() == 0 ? 0 : Math.max(0, historyLen - cfg.repetitionWindow());
            int[] seen = Arrays.copyOfRange(history, from, historyLen);
            Arrays.sort(seen);
            for (int i = 0; i < n; i++)
                if (Arrays.binarySearch(seen, allowed[i]) >= 0)
                    score[i] = score[i] > 0 ? score[i] / cfg.repetitionPenalty() : score[i] * cfg.repetitionPenalty();
        }
        if (cfg.temperature() == 0) {
            int best = 0;
            for (int i = 1; i < n; i++) if (score[i] > score[best]) best = i;
            return allowed[best];
        }
        // candidates by descending score
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        int keep = cfg.topK() > 0 ? Math.min(cfg.topK(), n) : n;
        double max = score[order[0]], sum = 0;
        double[] p = new double[keep];
        for (int i = 0; i < keep; i++) sum += p[i] = Math.exp((score[order[i]] - max) / cfg.temperature());
        // nucleus: the shortest prefix whose probability reaches top-p
        if (cfg.topP() < 1) {
            double cum = 0;
            for (int i = 0; i < keep; i++) {
                cum += p[i] / sum;
                if (cum >= cfg.topP()) { keep = i + 1; break; }
            }
            sum = 0;
            for (int i = 0; i < keep; i++) sum += p[i];
        }
        double u = rng.nextDouble() * sum;
        for (int i = 0; i < keep; i++) {
            u -= p[i];
            if (u <= 0) return allowed[order[i]];
        }
        return allowed[order[keep - 1]];
    }

    /**
     * The model's own log-probability of tok among the allowed ids: log softmax of the raw logits
     * over them, in double (no temperature, top-p or penalty: what the model believes, not how it
     * was sampled).
     */
    public static double logProbAmong(float[] logits, int[] allowed, int tok) {
        double max = Double.NEGATIVE_INFINITY;
        for (int a : allowed) max = Math.max(max, logits[a]);
        double sum = 0;
        for (int a : allowed) sum += Math.exp(logits[a] - max);
        return logits[tok] - max - Math.log(sum);
    }
}
