package dev.qwenomni.tts;

import dev.qwenomni.model.SamplingConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Best-of-N on SynthesizerTest's tiny random model: candidate j of text i is the single sample with seed
 * + j * n + i, the judge's lowest score wins, ties go to the likelier rendering, and one candidate changes nothing.
 */
class BestOfTest {
    private static final SamplingConfig SAMPLING = new SamplingConfig(1.0, 0, 1, 1.1, 0, 42);
    private static final List<String> TEXTS = List.of("Hello there.", "A second, longer sentence!");

    /** Scores each candidate by minus its frame count (so the longest wins) and remembers what it saw. */
    private static final class Longest implements BestOf.Judge {
        final List<String> seen = new ArrayList<>();

        @Override public double[] scores(List<String> texts, List<Synthesizer.Result> c) {
            seen.addAll(texts);
            return c.stream().mapToDouble(r -> -r.frames()).toArray();
        }

        @Override public String describe() { return "longest"; }
    }

    @Test
    void candidateJOfTextIIsTheSingleSampleWithSeedPlusJTimesNPlusI() throws Exception {
        Synthesizer s = SynthesizerTest.tiny(3);
        int n = TEXTS.size(), N = 3;
        Longest judge = new Longest();
        BestOf.Picked p = BestOf.synthesize(s, TEXTS, null, SAMPLING, N, judge);
        assertEquals(List.of(TEXTS.get(0), TEXTS.get(1), TEXTS.get(0), TEXTS.get(1), TEXTS.get(0), TEXTS.get(1)), judge.seen,
                "the judge is told which text each candidate says");
        for (int i = 0; i < n; i++) {
            int bestFrames = -1;
            boolean anyStopped = false;
            List<Synthesizer.Result> alone = new ArrayList<>();
            for (int j = 0; j < N; j++) {
                Synthesizer.Result r = s.synthesize(List.of(TEXTS.get(i)), null, SAMPLING.withSeed(42 + (long) j * n + i), null).get(0);
                alone.add(r);
                assertEquals(-r.frames(), p.scores()[i][j], "text " + i + " candidate " + j + " is the sample with seed 42 + j*n + i");
                assertEquals(r.meanLogProb(), p.meanLogProbs()[i][j], 1e-4 * Math.abs(r.meanLogProb()));
                anyStopped |= r.stopped();
            }
            for (int j = 0; j < N; j++) {
                Synthesizer.Result r = alone.get(j);
                if (anyStopped && !r.stopped()) continue;
                if (r.frames() > bestFrames) bestFrames = r.frames();
            }
            // among equal frame counts the likelier one; check the pick is one of the longest and no less likely
            assertEquals(bestFrames, p.results().get(i).frames(), "text " + i + ": the longest stopped candidate");
            for (int j = 0; j < N; j++)
                if (alone.get(j).frames() == bestFrames && alone.get(j).stopped() == alone.get(p.picks()[i]).stopped())
                    assertTrue(p.meanLogProbs()[i][p.picks()[i]] >= p.meanLogProbs()[i][j] - 1e-9, "a tie goes to the likelier");
            for (int l = 0; l < 3; l++) assertArrayEquals(alone.get(p.picks()[i]).codes()[l], p.results().get(i).codes()[l]);
            assertEquals(bestFrames, alone.get(p.picks()[i]).frames(), "text " + i + ": the pick's index names a longest candidate");
        }
    }

    @Test
    void oneCandidateIsThePlainSampleAndTheJudgeIsNotAsked() throws Exception {
        Synthesizer s = SynthesizerTest.tiny(4);
        Longest judge = new Longest();
        BestOf.Picked p = BestOf.synthesize(s, TEXTS, null, SAMPLING, 1, judge);
        List<Synthesizer.Result> plain = s.synthesize(TEXTS, null, SAMPLING, null);
        assertTrue(judge.seen.isEmpty());
        for (int i = 0; i < TEXTS.size(); i++) {
            assertEquals(0, p.picks()[i]);
            for (int l = 0; l < 3; l++) assertArrayEquals(plain.get(i).codes()[l], p.results().get(i).codes()[l]);
        }
        assertThrows(IllegalArgumentException.class, () -> BestOf.synthesize(s, TEXTS, null, SAMPLING, 0, judge));
    }

    @Test
    void likelihoodKeepsTheLikeliestStoppedCandidate() throws Exception {
        Synthesizer s = SynthesizerTest.tiny(6);
        BestOf.Picked p = BestOf.synthesize(s, TEXTS, null, SAMPLING, 4, BestOf.LIKELIHOOD);
        for (int i = 0; i < TEXTS.size(); i++) {
            double kept = p.meanLogProbs()[i][p.picks()[i]];
            boolean[] stopped = new boolean[4];
            boolean anyStopped = false;
            for (int j = 0; j < 4; j++) {
                assertEquals(-p.meanLogProbs()[i][j], p.scores()[i][j], 0, "the score is minus the mean log-probability");
                stopped[j] = stoppedAt(s, i, j);
                anyStopped |= stopped[j];
            }
            assertEquals(anyStopped, p.results().get(i).stopped(), "text " + i + ": a stopped candidate is kept when there is one");
            // this judge does not listen, so only the kept candidate was decoded, with its own seed's noise
            Synthesizer.Result alone = s.synthesize(List.of(TEXTS.get(i)), null, SAMPLING.withSeed(42 + p.picks()[i] * 2L + i), null).get(0);
            assertArrayEquals(alone.audio(), p.results().get(i).audio(), "text " + i + ": the kept candidate's audio");
            assertTrue(p.results().get(i).audio().length > 0);
            for (int j = 0; j < 4; j++)
                if (stopped[j] || !anyStopped)
                    assertTrue(kept >= p.meanLogProbs()[i][j] - 1e-12, "text " + i + ": candidate " + j + " is likelier than the kept one");
        }
    }

    /** Whether candidate j of text i (seed 42 + j * 2 + i) ended with end_of_speech. */
    private static boolean stoppedAt(Synthesizer s, int i, int j) throws Exception {
        return s.synthesize(List.of(TEXTS.get(i)), null, SAMPLING.withSeed(42 + j * 2L + i), null).get(0).stopped();
    }

    @Test
    void aStoppedCandidateBeatsOneThatRanIntoTheCapWhateverTheScores() {
        Synthesizer.Result stopped = result(true, -2.0), capped = result(false, -0.5);
        assertTrue(BestOf.better(stopped, 0.9, capped, 0.0));
        assertFalse(BestOf.better(capped, 0.0, stopped, 0.9));
        assertTrue(BestOf.better(result(true, -1.0), 0.1, result(true, -0.1), 0.2), "lower score wins");
        assertTrue(BestOf.better(result(true, -1.0), 0.2, result(true, -2.0), 0.2), "a tie goes to the likelier");
        assertFalse(BestOf.better(result(true, -3.0), 0.2, result(true, -2.0), 0.2));
        assertTrue(BestOf.better(result(true, -3.0), 0.5, result(true, -2.0), Double.NaN), "a score beats none");
        assertFalse(BestOf.better(result(true, -1.0), Double.NaN, result(true, -2.0), 0.5));
    }

    private static Synthesizer.Result result(boolean stopped, double meanLogProb) {
        return new Synthesizer.Result(new float[0], new int[3][0], 0, stopped, 0, 0, meanLogProb * 10, 10);
    }
}
