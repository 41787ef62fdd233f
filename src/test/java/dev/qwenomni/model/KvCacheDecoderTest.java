package dev.qwenomni.model;

import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * KV-cache inference against the training forward: prefill plus one-token steps, for two
 * sequences batched in one cache, give the logits the full-sequence forward gives at every
 * position, for each family and each decode-attention kernel.
 */
class KvCacheDecoderTest {

    static Qwen3Model randomModel(String family, long seed) {
        Qwen3Model m = new Qwen3Model(ModelGradientTest.config(family, false), AttentionKind.MATERIALIZED);
        Random rnd = new Random(seed);
        for (Param p : m.params().params()) {
            boolean norm = p.name.endsWith("norm.weight");
            for (long i = 0; i < p.size; i++)
                dev.qwenomni.tensor.Kernels.set(p.v, i, (float) (norm ? 1 + 0.3 * rnd.nextGaussian() : 0.3 * rnd.nextGaussian()));
        }
        return m;
    }

    @ParameterizedTest
    @CsvSource({"qwen3, SCAN", "qwen3, GEMM", "qwen2, SCAN", "llama, GEMM"})
    void stepsMatchTheFullForward(String family, DecodeAttention.Kind kind) {
        Qwen3Model m = randomModel(family, 5);
        int T = 11, V = m.config.vocabSize();
        Random rnd = new Random(9);
        int[][] seqs = new int[2][T];
        for (int[] s : seqs) for (int t = 0; t < T; t++) s[t] = rnd.nextInt(V);
        float[][][] full = new float[2][][];
        for (int b = 0; b < 2; b++) {
            m.forward(seqs[b], null, 1, T, 1f);
            full[b] = m.logits().toFloatMatrix();
        }
        Qwen3Decoder d = new Qwen3Decoder(m, 2, 16, kind);
        // slot 0 prefills 4 tokens, slot 1 prefills 6; then both step together to T
        int[] start = {4, 6};
        for (int b = 0; b < 2; b++) {
            float[] last = d.prefill(b, java.util.Arrays.copyOf(seqs[b], start[b]));
            assertClose(full[b][start[b] - 1], last, family + " prefill slot " + b);
        }
        int[] at = start.clone();
        while (at[0] < T || at[1] < T) {
            int n = (at[0] < T ? 1 : 0) + (at[1] < T ? 1 : 0), i = 0;
            int[] slots = new int[n], ids = new int[n];
            boolean[] want = new boolean[n];
            for (int b = 0; b < 2; b++) if (at[b] < T) { slots[i] = b; ids[i] = seqs[b][at[b]]; want[i++] = true; }
            float[][] logits = d.forward(slots, ids, want);
            for (int j = 0; j < n; j++) {
                int b = slots[j];
                assertClose(full[b][at[b]], logits[j], family + "/" + kind + " slot " + b + " position " + at[b]);
                at[b]++;
            }
        }
        assertEquals(T, d.cache.length(0));
        d.cache.reset(1);
        assertClose(full[1][2], d.prefill(1, java.util.Arrays.copyOf(seqs[1], 3)), "after reset");
    }

    /** A prompt of at least BLOCK_MIN rows takes the block (gemm) attention path; its logits match too. */
    @ParameterizedTest
    @CsvSource({"qwen3", "qwen2"})
    void blockPrefillMatchesTheFullForward(String family) {
        Qwen3Model m = randomModel(family, 7);
        int T = 24, V = m.config.vocabSize();
        Random rnd = new Random(3);
        int[] seq = new int[T];
        for (int t = 0; t < T; t++) seq[t] = rnd.nextInt(V);
        m.forward(seq, null, 1, T, 1f);
        float[][] full = m.logits().toFloatMatrix();
        Qwen3Decoder d = new Qwen3Decoder(m, 1, 32, DecodeAttention.Kind.SCAN);
        int n = Qwen3Decoder.BLOCK_MIN + 4;
        int[] slots = new int[n];
        boolean[] want = new boolean[n];
        java.util.Arrays.fill(want, true);
        float[][] logits = d.forward(slots, java.util.Arrays.copyOf(seq, n), want);
        for (int t = 0; t < n; t++) assertClose(full[t], logits[t], family + " block prefill position " + t);
        // and the rest continue one by one from the block-filled cache
        for (int t = n; t < T; t++) assertClose(full[t], d.forward(new int[]{0}, new int[]{seq[t]}, new boolean[]{true})[0], "step " + t);
    }

    @org.junit.jupiter.api.Test
    void aFullCacheIsAClearError() {
        Qwen3Decoder d = new Qwen3Decoder(randomModel("qwen3", 1), 1, 4, DecodeAttention.Kind.SCAN);
        d.prefill(0, new int[]{1, 2, 3, 4});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.prefill(0, new int[]{5}));
        assertEquals("slot 0 is full: the KV cache holds 4 positions", e.getMessage());
    }

    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++)
            assertEquals(want[i], got[i], 1e-4f * Math.max(1, Math.abs(want[i])), what + " logit " + i);
    }
}
