package dev.qwenomni.tts;

import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TtsTaskTest {
    static final SpeechTokens TOK = SpeechTokens.bytes(16);

    @Test
    void sequencesFollowTheOrpheusLayoutAndTheGrammar() {
        int[] text = TtsExamples.textIds("rms: hi");
        int[][] codes = {{1, 2}, {3, 4, 5, 6}, {7, 8, 9, 10, 11, 12, 13, 14}};
        int[] audio = TOK.audio().toTokens(codes);
        int[] seq = TOK.sequence(text, audio);
        assertEquals(258, seq[0]);
        assertEquals(text.length + 5, TOK.prompt(text).length);
        assertEquals(262, seq[text.length + 4], "start_of_speech ends the prompt");
        assertEquals(263, seq[seq.length - 2]);
        assertEquals(261, seq[seq.length - 1]);
        assertEquals(264 + 7 * 16, TOK.vocabSize());
        // the grammar allows exactly the codes of the next frame position, and end_of_speech only at a boundary
        for (int i = 0; i < audio.length; i++) {
            int[] allowed = TOK.allowedAfter(i, 1);
            int tok = audio[i];
            assertTrue(java.util.Arrays.stream(allowed).anyMatch(a -> a == tok), "token " + i + " is allowed at its position");
            int wrong = TOK.audio().allowedRange((i + 1) % 7)[0];
            assertTrue(java.util.Arrays.stream(allowed).noneMatch(a -> a == wrong), "a code of the next position is not");
            assertEquals(i % 7 == 0 && i >= 7 ? 17 : 16, allowed.length, "allowed after " + i);
        }
        assertEquals(16, TOK.allowedAfter(0, 1).length, "no stop before the first frame");
        assertArrayEquals(codes[2], TOK.audio().toCodes(audio)[2]);
        assertEquals(128266, SpeechTokens.ORPHEUS.audio().audioBase());
        assertEquals(128266 + 7 * 4096, SpeechTokens.ORPHEUS.vocabSize());
    }

    static List<TtsExamples.Example> examples(int n, String split, Random r) {
        List<TtsExamples.Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] text = TtsExamples.textIds("v: text " + i);
            int frames = 2 + r.nextInt(4);
            int[][] codes = {new int[frames], new int[2 * frames], new int[4 * frames]};
            for (int[] c : codes) for (int j = 0; j < c.length; j++) c[j] = r.nextInt(16);
            int[] seq = TOK.sequence(text, TOK.audio().toTokens(codes));
            out.add(new TtsExamples.Example(split + i, "v", split, seq, TOK.prompt(text).length, 8, 1.0));
        }
        return out;
    }

    @Test
    void aFreshRunStartsFromACheckpointsWeightsAndRefusesAnotherShape(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Random r = new Random(1);
        TtsConfig cfg = new TtsConfig(TextFrontEnd.GRAPHEMES, 16, "0".repeat(64), "v", 0.1, 10);
        Qwen3Config mc = Qwen3Config.qwen3(384, 32, 64, 1, 4, 2, 8, 10000, 256, true);
        List<TtsExamples.Example> train = examples(12, "train", r), val = examples(4, "val", r);
        Qwen3Model trained = new Qwen3Model(mc, AttentionKind.MATERIALIZED);
        TtsTask saved = new TtsTask(trained, cfg, train, val, 2, 128, 2, false, 3);
        saved.initialize(1);
        saved.saveModel(dir);

        Qwen3Model fresh = new Qwen3Model(mc, AttentionKind.MATERIALIZED);
        new TtsTask(fresh, cfg, train, val, 2, 128, 2, false, 3).startFrom(dir).initialize(99);
        for (int i = 0; i < trained.params().params().size(); i++) {
            var a = trained.params().params().get(i);
            var b = fresh.params().params().get(i);
            for (long k = 0; k < a.size; k += 7)
                assertEquals(dev.qwenomni.tensor.Kernels.get(a.v, k), dev.qwenomni.tensor.Kernels.get(b.v, k), a.name);
        }
        Qwen3Model wider = new Qwen3Model(Qwen3Config.qwen3(384, 48, 64, 1, 4, 2, 12, 10000, 256, true), AttentionKind.MATERIALIZED);
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> new TtsTask(wider, cfg, train, val, 2, 128, 2, false, 3).startFrom(dir).initialize(99));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    /** 32 codes per level: 264 + 7 x 32 = 488 ids, 512 rows; the model of savedSixteenCodeModel otherwise. */
    private static final TtsConfig GROWN = new TtsConfig(TextFrontEnd.GRAPHEMES, 32, "1".repeat(64), "v", 0.1, 10);
    private static final Qwen3Config GROWN_MODEL = Qwen3Config.qwen3(512, 32, 64, 1, 4, 2, 8, 10000, 256, true);

    /** A small model for 16 codes a level (384 rows), initialised with seed 1 and saved to dir. */
    private static Qwen3Model savedSixteenCodeModel(java.nio.file.Path dir, List<TtsExamples.Example> train, List<TtsExamples.Example> val) throws Exception {
        Qwen3Model trained = new Qwen3Model(Qwen3Config.qwen3(384, 32, 64, 1, 4, 2, 8, 10000, 256, true), AttentionKind.MATERIALIZED);
        TtsTask saved = new TtsTask(trained, new TtsConfig(TextFrontEnd.GRAPHEMES, 16, "0".repeat(64), "v", 0.1, 10), train, val, 2, 128, 2, false, 3);
        saved.initialize(1);
        saved.saveModel(dir);
        return trained;
    }

    /** Moved to a codec with larger codebooks: the body and the text rows carry over, the audio rows start from the init. */
    @Test
    void aLargerCodebookKeepsTheBodyAndTextRowsAndStartsTheAudioRowsFresh(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Random r = new Random(1);
        List<TtsExamples.Example> train = examples(12, "train", r), val = examples(4, "val", r);
        Qwen3Model trained = savedSixteenCodeModel(dir, train, val);

        Qwen3Model moved = new Qwen3Model(GROWN_MODEL, AttentionKind.MATERIALIZED), plain = new Qwen3Model(GROWN_MODEL, AttentionKind.MATERIALIZED);
        new TtsTask(moved, GROWN, train, val, 2, 128, 2, false, 3).startFrom(dir).initialize(99);
        plain.weights.initialize(99);
        int audioBase = GROWN.tokens().audio().audioBase(), C = 32;
        assertEquals(264, audioBase);
        for (int i = 0; i < moved.params().params().size(); i++) {
            var m = moved.params().params().get(i);
            var t = trained.params().params().get(i);
            var p = plain.params().params().get(i);
            for (long k = 0; k < m.size; k += 5) {
                float got = dev.qwenomni.tensor.Kernels.get(m.v, k);
                boolean freshRow = m == moved.weights.embed && k >= (long) audioBase * C;
                assertEquals(freshRow ? dev.qwenomni.tensor.Kernels.get(p.v, k) : dev.qwenomni.tensor.Kernels.get(t.v, k), got, m.name + " [" + k + "]");
            }
        }
        // more than the vocabulary differs: refused, naming the config
        Qwen3Model wider = new Qwen3Model(Qwen3Config.qwen3(512, 48, 64, 1, 4, 2, 12, 10000, 256, true), AttentionKind.MATERIALIZED);
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> new TtsTask(wider, GROWN, train, val, 2, 128, 2, false, 3).startFrom(dir).initialize(99));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("more than vocab_size"), e.getMessage());
    }

    /** With a code map, each audio row of the larger book starts from the row of its old code at the same frame position. */
    @Test
    void aCodeMapStartsEachAudioRowFromItsOldCodesRow(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Random r = new Random(2);
        List<TtsExamples.Example> train = examples(12, "train", r), val = examples(4, "val", r);
        Qwen3Model trained = savedSixteenCodeModel(dir, train, val);

        Qwen3Model moved = new Qwen3Model(GROWN_MODEL, AttentionKind.MATERIALIZED), plain = new Qwen3Model(GROWN_MODEL, AttentionKind.MATERIALIZED);
        int[][] map = new int[3][32];
        for (int[] level : map) for (int c = 0; c < 32; c++) level[c] = r.nextInt(16);
        new TtsTask(moved, GROWN, train, val, 2, 128, 2, false, 3).startFrom(dir, map).initialize(99);
        plain.weights.initialize(99);
        int base = 264, H = 32, end = base + 7 * 32;
        var e = moved.weights.embed;
        for (int row = 0; row < 512; row++) {
            int p = (row - base) / 32, c = (row - base) % 32;
            int from = row < base ? row : row < end ? base + p * 16 + map[dev.qwenomni.tts.OrpheusLayout.levelOf(p)][c] : -1;
            for (int k = 0; k < H; k++) {
                float got = dev.qwenomni.tensor.Kernels.get(e.v, (long) row * H + k);
                float want = from < 0 ? dev.qwenomni.tensor.Kernels.get(plain.weights.embed.v, (long) row * H + k)
                        : dev.qwenomni.tensor.Kernels.get(trained.weights.embed.v, (long) from * H + k);
                assertEquals(want, got, "row " + row + " [" + k + "]");
            }
        }
        // the body carries over as saved
        for (int i = 0; i < moved.params().params().size(); i++) {
            var m = moved.params().params().get(i);
            if (m == e) continue;
            var t = trained.params().params().get(i);
            for (long k = 0; k < m.size; k += 7) assertEquals(dev.qwenomni.tensor.Kernels.get(t.v, k), dev.qwenomni.tensor.Kernels.get(m.v, k), m.name);
        }
    }

    @Test
    void trainingCountsOnlyAudioTokensAndEvaluationReportsEachPart() {
        Random r = new Random(1);
        TtsConfig cfg = new TtsConfig(TextFrontEnd.GRAPHEMES, 16, "0".repeat(64), "v", 0.1, 10);
        Qwen3Model m = new Qwen3Model(Qwen3Config.qwen3(384, 32, 64, 1, 4, 2, 8, 10000, 256, true), AttentionKind.MATERIALIZED);
        m.weights.initialize(1);
        List<TtsExamples.Example> train = examples(12, "train", r), val = examples(4, "val", r);
        TtsTask task = new TtsTask(m, cfg, train, val, 2, 128, 2, false, 3);
        m.params().zeroGrads();
        Map<String, Double> s = task.step(1f);
        // a near-uniform fresh model: loss close to ln(vocab)
        assertEquals(Math.log(384), s.get("loss"), 0.1);
        Map<String, Double> e = task.evaluate();
        for (String k : List.of("val_loss", "val_accuracy", "val_text_loss", "val_accuracy_level0", "val_accuracy_level1", "val_accuracy_level2"))
            assertTrue(e.containsKey(k), k);
        // a few steps of plain SGD on the audio loss lower it: the gradients reach the right tokens
        double before = e.get("val_loss");
        for (int i = 0; i < 30; i++) {
            m.params().zeroGrads();
            task.step(1f);
            var p = m.params();
            dev.qwenomni.tensor.Kernels.axpy(-0.5f, dev.qwenomni.tensor.Tensors.seg(p.grads()), 0, dev.qwenomni.tensor.Tensors.seg(p.values()), 0, (int) p.count());
        }
        double after = task.evaluate().get("val_loss");
        assertTrue(after < before - 0.1, "val audio loss " + before + " -> " + after);
        // the data position advances by whole examples: two rows of 128 hold several examples each
        assertTrue(task.dataIndex() > 0 || task.dataEpoch() > 0);
    }

    @Test
    void textUseIsNearZeroFreshAndGrowsWhenTheAudioFollowsTheText() {
        // the audio of "v: word k" is code k everywhere: only a model that reads can predict it
        Random r = new Random(2);
        List<TtsExamples.Example> train = new ArrayList<>(), val = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int k = i % 8;
            int[] text = TtsExamples.textIds("v: word " + k);
            int frames = 2 + r.nextInt(3);
            int[][] codes = {new int[frames], new int[2 * frames], new int[4 * frames]};
            for (int[] c : codes) java.util.Arrays.fill(c, k);
            int[] seq = TOK.sequence(text, TOK.audio().toTokens(codes));
            (i < 56 ? train : val).add(new TtsExamples.Example("e" + i, "v", i < 56 ? "train" : "val", seq, TOK.prompt(text).length, 6, 1.0));
        }
        TtsConfig cfg = new TtsConfig(TextFrontEnd.GRAPHEMES, 16, "0".repeat(64), "v", 0.1, 10);
        Qwen3Model m = new Qwen3Model(Qwen3Config.qwen3(384, 32, 64, 2, 4, 2, 8, 10000, 256, true), AttentionKind.MATERIALIZED);
        m.weights.initialize(4);
        TtsTask task = new TtsTask(m, cfg, train, val, 2, 128, 4, false, 3);
        double fresh = task.evaluate().get("val_text_use");
        assertEquals(0, fresh, 0.05, "a fresh model ignores the text");
        dev.qwenomni.train.AdamW adam = new dev.qwenomni.train.AdamW(0.9f, 0.95f, 1e-8f, 0f);
        for (int i = 1; i <= 150; i++) {
            m.params().zeroGrads();
            task.step(1f);
            adam.step(m.params(), 3e-3f, i, 1f);
        }
        Map<String, Double> e = task.evaluate();
        // the first codes of a clip need the text; the rest can be copied from the audio so far
        assertTrue(e.get("val_text_use") > 0.1, "own text " + e.get("val_loss") + ", neighbour's " + e.get("val_loss_other_text"));
    }

    @Test
    void theGuideMarksEachClipsSymbolsAndTrainingPullsAttentionOntoTheDiagonal() {
        Random r = new Random(5);
        TtsConfig cfg = new TtsConfig(TextFrontEnd.GRAPHEMES, 16, "0".repeat(64), "v", 0.1, 10);
        Qwen3Model m = new Qwen3Model(Qwen3Config.qwen3(384, 32, 64, 2, 4, 2, 8, 10000, 256, true), AttentionKind.FLASH);
        m.weights.initialize(2);
        TtsTask task = new TtsTask(m, cfg, examples(24, "train", r), examples(6, "val", r), 2, 128, 2, false, 3)
                .guide(new AttentionGuide(1, 0.2, 3, 1.0), new boolean[]{false, true});
        m.params().zeroGrads();
        Map<String, Double> first = task.step(1f);
        assertTrue(first.containsKey("guide"), "a guided step reports its penalty");
        int[] ids = task.lastIds();
        var g = task.lastGuideBatch();
        int guided = 0;
        for (int p = 0; p < ids.length; p++) {
            if (Float.isNaN(g.center()[p])) continue;
            guided++;
            int row = p / 128 * 128;
            // the span holds exactly the symbols "text N", after the voice prefix "v: "
            byte[] span = new byte[g.textTo()[p] - g.textFrom()[p]];
            for (int j = 0; j < span.length; j++) span[j] = (byte) ids[row + g.textFrom()[p] + j];
            assertTrue(new String(span, java.nio.charset.StandardCharsets.UTF_8).matches("text \\d+"), "span " + new String(span));
            assertTrue(ids[p] == TOK.startOfSpeech() || TOK.isAudio(ids[p]), "guided row reads start_of_speech or audio");
            assertTrue(TOK.isAudio(ids[p + 1]) || ids[p + 1] == TOK.endOfSpeech(), "and predicts audio or the stop");
            assertTrue(g.center()[p] >= 0 && g.center()[p] < span.length, "the bump sits on the span");
        }
        long audio = java.util.Arrays.stream(ids).filter(TOK::isAudio).count();
        long clips = java.util.Arrays.stream(ids).filter(t -> t == TOK.startOfSpeech()).count();
        assertEquals(audio + clips, guided, "one guided row per audio token, and the one before the first");
        double before = task.evaluate().get("val_guide");
        dev.qwenomni.train.AdamW adam = new dev.qwenomni.train.AdamW(0.9f, 0.95f, 1e-8f, 0f);
        for (int i = 1; i <= 60; i++) {
            m.params().zeroGrads();
            task.step(1f);
            adam.step(m.params(), 3e-3f, i, 1f);
        }
        double after = task.evaluate().get("val_guide");
        assertTrue(after < before - 0.2, "off-diagonal attention mass " + before + " -> " + after);
    }
}
