package dev.qwenomni.model;

import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.nn.GradCheck;
import dev.qwenomni.tensor.ParamStore.Param;
import dev.qwenomni.tts.AttentionGuide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole-model gradients (2 layers) against finite differences, for each family and attention variant. */
class ModelGradientTest {

    static Qwen3Config config(String family, boolean tied) {
        // vocab 29, C 16, I 24, 2 layers, 4 heads over 2 kv heads, head_dim 8
        boolean qwen2 = family.equals("qwen2"), llama = family.equals("llama");
        return new Qwen3Config(family, 29, 16, 24, 2, 4, 2, 8, 10000.0, 1e-6, tied,
                qwen2 || llama, llama, family.equals("qwen3"), 32, -1, -1);
    }

    @ParameterizedTest
    @CsvSource({"qwen3, true, MATERIALIZED", "qwen3, true, FLASH", "qwen3, true, BLOCK_CAUSAL", "qwen2, false, FLASH", "llama, false, MATERIALIZED"})
    void everyParameterMatchesFiniteDifferences(String family, boolean tied, AttentionKind kind) {
        Qwen3Model m = new Qwen3Model(config(family, tied), kind);
        check(m, family + "/" + kind, null);
    }

    /** Cross-entropy plus the attention guide's penalty on one of the two layers, two of the four heads. */
    @Test
    void guidedAttentionMatchesFiniteDifferences() {
        Qwen3Model m = new Qwen3Model(config("qwen3", true), AttentionKind.FLASH);
        m.scoreAttentionOf(new boolean[]{false, true});
        AttentionGuide.Batch batch = AttentionGuide.Batch.empty(2 * 6);
        batch.diagonal(0, 6, 1, 3, 3, 6, 0.3f);
        batch.aligned(1, 6, 0, 2, 2, 4, new float[]{0.5f, 1.5f}, 1, 1.5f);
        check(m, "guided", new AttentionGuide(2, 0.3, 1.5, 5.0).on(batch));
        assertTrue(m.auxiliaryPenalty() > 0.05 && m.auxiliaryPenalty() < 1, "penalty " + m.auxiliaryPenalty());
    }

    private static void check(Qwen3Model m, String what, dev.qwenomni.nn.AttentionLoss guide) {
        Random rnd = new Random(3);
        for (Param p : m.params().params()) {
            boolean norm = p.name.endsWith("norm.weight");
            for (long i = 0; i < p.size; i++)
                dev.qwenomni.tensor.Kernels.set(p.v, i, (float) (norm ? 1 + 0.3 * rnd.nextGaussian() : 0.3 * rnd.nextGaussian()));
        }
        int B = 2, T = 6;
        int[] ids = new int[B * T], tg = new int[B * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(29);
            tg[i] = i % 5 == 4 ? -100 : rnd.nextInt(29);
        }
        m.params().zeroGrads();
        double ce = m.forward(ids, tg, guide, B, T, 1f).crossEntropy();
        if (guide != null) assertTrue(m.forward(ids, tg, guide, B, T, 1f).loss() > ce + 0.1, "the guide adds to the loss");
        m.backward();
        int seed = 0;
        for (Param p : m.params().params()) {
            float[] g = GradCheck.copy(p.g(), p.size);
            GradCheck.check(what + " " + p.name, () -> m.forward(ids, tg, guide, B, T, 1f).loss(),
                    p.v, p.size, g, 40, seed++);
        }
    }
}
