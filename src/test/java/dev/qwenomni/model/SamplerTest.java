package dev.qwenomni.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    static final float[] LOGITS = {0f, 3f, 2f, 1f, 5f, -1f};
    static final int[] ALL = {0, 1, 2, 3, 4, 5};

    @Test
    void greedyPicksTheBestAllowedToken() {
        Sampler s = new Sampler(new SamplingConfig(0, 0, 1, 1, 0, 1));
        assertEquals(4, s.sample(LOGITS, ALL, new int[0], 0));
        assertEquals(1, s.sample(LOGITS, new int[]{0, 1, 2}, new int[0], 0), "the grammar excludes token 4");
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        Sampler s = new Sampler(new SamplingConfig(0, 0, 1, 2.0, 0, 1));
        // token 1: 3 -> 1.5 falls below token 2 (2)
        assertEquals(2, s.sample(LOGITS, new int[]{1, 2}, new int[]{1}, 1));
        // token 5: -1 -> -2 falls below token 0 (0) only if penalised; 0 is not in history
        assertEquals(0, s.sample(LOGITS, new int[]{0, 5}, new int[]{5}, 1));
        // the window: token 1 seen 3 tokens ago is outside a window of 2
        Sampler w = new Sampler(new SamplingConfig(0, 0, 1, 2.0, 2, 1));
        assertEquals(1, w.sample(LOGITS, new int[]{1, 2}, new int[]{1, 0, 0}, 3));
    }

    @Test
    void topKAndTopPLimitTheCandidates() {
        // top-k 2 at high temperature: only tokens 4 and 1 ever appear
        Sampler k = new Sampler(new SamplingConfig(5, 2, 1, 1, 0, 3));
        for (int i = 0; i < 500; i++) { int t = k.sample(LOGITS, ALL, new int[0], 0); assertTrue(t == 4 || t == 1, "top-k drew " + t); }
        // top-p: p(4) at temperature 1 is 0.82, so top-p 0.8 keeps token 4 alone
        Sampler p = new Sampler(new SamplingConfig(1, 0, 0.8, 1, 0, 3));
        for (int i = 0; i < 200; i++) assertEquals(4, p.sample(LOGITS, ALL, new int[0], 0));
    }

    @Test
    void frequenciesFollowTheSoftmaxAndSeedsReproduce() {
        Sampler s = new Sampler(new SamplingConfig(1, 0, 1, 1, 0, 11));
        int[] counts = new int[6];
        int n = 40000;
        for (int i = 0; i < n; i++) counts[s.sample(LOGITS, ALL, new int[0], 0)]++;
        double z = 0;
        for (float l : LOGITS) z += Math.exp(l);
        for (int t = 0; t < 6; t++) assertEquals(Math.exp(LOGITS[t]) / z, counts[t] / (double) n, 0.01, "token " + t);
        Sampler a = new Sampler(SamplingConfig.ORPHEUS.withSeed(5)), b = new Sampler(SamplingConfig.ORPHEUS.withSeed(5));
        for (int i = 0; i < 50; i++) assertEquals(a.sample(LOGITS, ALL, new int[0], 0), b.sample(LOGITS, ALL, new int[0], 0));
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(0.5, 0, 1.5, 1, 0, 1));
        assertEquals("top-p must be in (0, 1], got 1.5", e.getMessage());
    }
}
