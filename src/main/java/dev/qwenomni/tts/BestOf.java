package dev.qwenomni.tts;

import dev.qwenomni.model.SamplingConfig;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Best of N: every text is sampled N times in one batch and a judge keeps one rendering. Candidate j of text i is
 * batch item j * n + i, so it samples with seed + j * n + i: candidate 0 is exactly what a single sample with the
 * same seed gives, and N = 1 changes nothing.
 *
 * <p>A candidate that ended with end_of_speech beats one that ran into the length cap (that is babble, whatever its
 * score); then the lower score wins; a tie goes to the higher mean log-probability, then to the lower j.
 */
public final class BestOf {
    private BestOf() {}

    /** Scores candidates, lower is better; candidates.get(k) is a rendering of texts.get(k). */
    public interface Judge {
        double[] scores(List<String> texts, List<Synthesizer.Result> candidates) throws IOException;

        /** What the score is, for reports. */
        String describe();

        /** Whether scoring listens to the audio; when not, only the kept candidates are decoded. */
        default boolean needsAudio() { return true; }
    }

    /** The model's own judgement, no outside listener: the negative mean log-probability of the sampled choices. */
    public static final Judge LIKELIHOOD = new Judge() {
        @Override public double[] scores(List<String> texts, List<Synthesizer.Result> candidates) {
            return candidates.stream().mapToDouble(r -> -r.meanLogProb()).toArray();
        }

        @Override public String describe() { return "the LM's negative mean log-probability of its choices"; }

        @Override public boolean needsAudio() { return false; }
    };

    /** The judges a user can name: the model's own likelihood, or the recogniser (pocketsphinx, general LM). */
    public enum JudgeKind {
        LIKELIHOOD, RECOGNISER;

        /** This judge for audio at the given rate; the recogniser (installed when missing) works in a temporary folder it deletes. */
        public Judge judge(int sampleRate) {
            return this == LIKELIHOOD ? BestOf.LIKELIHOOD : new RecogniserJudge(dev.qwenomni.asr.Recognizer.openGeneral(2),
                    "general en-us", sampleRate, java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    /** The kept rendering of each text, which candidate it was, and every candidate's score and mean log-probability ([text][candidate]). */
    public record Picked(List<Synthesizer.Result> results, int[] picks, double[][] scores, double[][] meanLogProbs) {
        public String summary(int text) {
            StringBuilder b = new StringBuilder("candidate ").append(picks[text]).append(" of ").append(scores[text].length).append(" (scores");
            for (double s : scores[text]) b.append(String.format(Locale.ROOT, " %.3f", s));
            return b.append(')').toString();
        }
    }

    public static Picked synthesize(Synthesizer s, List<String> texts, String voice, SamplingConfig sampling, int candidates, Judge judge)
            throws IOException {
        if (candidates < 1) throw new IllegalArgumentException("--candidates must be at least 1, not " + candidates);
        int n = texts.size();
        List<String> batch = new ArrayList<>(n * candidates);
        for (int j = 0; j < candidates; j++) batch.addAll(texts);
        boolean decodeAll = candidates == 1 || judge.needsAudio();
        List<Synthesizer.Result> all = s.synthesize(batch, voice, sampling, null, decodeAll);
        double[] flat = candidates == 1 ? new double[n] : judge.scores(batch, all);
        if (flat.length != all.size())
            throw new IllegalStateException("the judge scored " + flat.length + " of " + all.size() + " candidates");
        List<Synthesizer.Result> kept = new ArrayList<>(n);
        int[] picks = new int[n];
        double[][] scores = new double[n][candidates], logProbs = new double[n][candidates];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 0; j < candidates; j++) {
                scores[i][j] = flat[j * n + i];
                logProbs[i][j] = all.get(j * n + i).meanLogProb();
                if (j > 0 && better(all.get(j * n + i), scores[i][j], all.get(best * n + i), scores[i][best])) best = j;
            }
            picks[i] = best;
            Synthesizer.Result r = all.get(best * n + i);
            if (!decodeAll && r.frames() > 0) {
                long t0 = System.nanoTime();
                float[] audio = s.render(r.codes(), sampling.seed() + (long) best * n + i);
                double decodeSeconds = (System.nanoTime() - t0) / 1e9;
                r = new Synthesizer.Result(audio, r.codes(), r.frames(), r.stopped(), r.generateSeconds() + decodeSeconds,
                        r.firstAudioSeconds() + decodeSeconds, r.logProb(), r.choices());
            }
            kept.add(r);
        }
        return new Picked(kept, picks, scores, logProbs);
    }

    static boolean better(Synthesizer.Result a, double scoreA, Synthesizer.Result b, double scoreB) {
        if (a.stopped() != b.stopped()) return a.stopped();
        if (Double.isNaN(scoreB) && !Double.isNaN(scoreA)) return true;
        if (scoreA != scoreB) return scoreA < scoreB;
        return a.meanLogProb() > b.meanLogProb();
    }
}
