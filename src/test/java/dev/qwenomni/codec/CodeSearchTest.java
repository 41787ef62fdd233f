package dev.qwenomni.codec;

import dev.qwenomni.audio.SpectralLoss;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Analysis-by-synthesis encoding: one candidate is the plain encoder; more find codes the decoder renders closer. */
class CodeSearchTest {
    private static SnacCodec codec() {
        SnacCodec c = new SnacCodec(TinyCodec.config(64, true));
        c.initialize(5);
        return c;
    }

    private static float[] speechLike(int n) {
        Random r = new Random(9);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            phase += 2 * Math.PI * (110 + 50 * Math.sin(i / 2500.0)) / 24000;
            double envelope = 0.5 + 0.5 * Math.sin(i / 1800.0);
            x[i] = (float) (envelope * (0.3 * Math.sin(phase) + 0.15 * Math.sin(3 * phase)) + 0.03 * r.nextGaussian());
        }
        return x;
    }

    @Test
    void oneCandidateIsThePlainEncoder() {
        SnacCodec c = codec();
        float[] x = c.preprocess(speechLike(30000));
        assertArrayEquals(c.encode(x), new CodeSearch(c, 1, NoiseSource.OFF).encode(x));
    }

    @Test
    void moreCandidatesDecodeCloserToTheInput() {
        SnacCodec c = codec();
        float[] x = c.preprocess(speechLike(30000));
        int[][] plain = c.encode(x), searched = new CodeSearch(c, 4, NoiseSource.OFF).encode(x);
        SpectralLoss loss = new SpectralLoss(24000);
        double before = loss.compute(c.decode(plain, NoiseSource.OFF), x, null, 0, 0).mel(), after = loss.compute(c.decode(searched, NoiseSource.OFF), x, null, 0, 0).mel();
        assertTrue(after < before, "searched codes: log-mel L1 " + after + ", plain " + before);
        int changed = 0;
        float[] z = c.encodeLatent(x);
        int T = x.length / c.config.hopLength();
        int[][] tried = c.quantizers.get(0).candidates(z, T, 4);
        for (int t = 0; t < plain[0].length; t++) {
            if (plain[0][t] != searched[0][t]) changed++;
            int code = searched[0][t];
            assertTrue(java.util.Arrays.stream(tried[t]).anyMatch(k -> k == code), "frame " + t + ": code " + code + " was not a candidate");
            assertEquals(plain[0][t], tried[t][0], "the first candidate is the cosine pick");
        }
        assertTrue(changed > 0, "the search changed no coarse code");
        for (int l = 0; l < plain.length; l++) assertEquals(plain[l].length, searched[l].length);
    }

    @Test
    void noCandidatesIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CodeSearch(codec(), 0, NoiseSource.OFF));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
