package dev.qwenomni.tts;

import dev.qwenomni.io.HfCheckpoint;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.Tensors;
import dev.qwenomni.train.TrainTask;
import dev.qwenomni.tts.TtsExamples.Example;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The multimodal task for the shared trainer: whole examples packed greedily into rows of T
 * tokens (an example never split; the rest of a row padded), loss on the audio tokens and the
 * closing end_of_speech/end_of_ai (and on the text too with textLoss). Evaluation reports audio
 * and text loss and accuracy separately, and audio accuracy per code level.
 */
public final class TtsTask implements TrainTask {
    private final Qwen3Model model;
    private final List<Example> train, val, valOtherText;
    private final SpeechTokens tokens;
    private final TtsConfig config;
    private final int B, T, evalBatches;
    private final boolean textLoss;
    private final long seed;
    private final int[] ids, targets;
    private AttentionGuide.Batch guideBatch;
    /** The attention guide, an auxiliary loss of this task (null: none). */
    private AttentionGuide guide;
    private int[] order;
    private long epoch;
    private int index;
    private Path start;
    private int[][] startCodeMap;

    public TtsTask(Qwen3Model model, TtsConfig config, List<Example> train, List<Example> val, int B, int T, int evalBatches,
                   boolean textLoss, long seed) {
        this.model = model;
        this.config = config;
        this.tokens = config.tokens();
        this.train = fitting(train, T);
        this.val = fitting(val, T);
        this.valOtherText = fitting(TtsExamples.withNeighbourText(this.val), T);
        if (this.train.isEmpty() || this.val.isEmpty()) throw new IllegalArgumentException("no train or val example fits in " + T + " tokens");
        this.B = B;
        this.T = T;
        this.evalBatches = evalBatches;
        this.textLoss = textLoss;
        this.seed = seed;
        ids = new int[B * T];
        targets = new int[B * T];
        shuffle();
    }

    private static List<Example> fitting(List<Example> xs, int T) {
        return xs.stream().filter(e -> e.tokens().length <= T).toList();
    }

    /**
     * Trains with the attention guide on the given layers (their attention switches to the
     * materialised kernel, which keeps the probabilities the guide reads); null turns it off.
     */
    public TtsTask guide(AttentionGuide g, boolean[] layers) {
        if (g != null && g.heads > model.config.numHeads())
            throw new IllegalArgumentException("guided heads " + g.heads + " exceed num_attention_heads " + model.config.numHeads());
        model.scoreAttentionOf(g == null ? null : layers); // checks one flag per layer
        guide = g;
        return this;
    }

    public int dropped(List<Example> all) { return all.size() - fitting(all, T).size(); }

    private void shuffle() { order = dev.qwenomni.data.Shuffle.permutation(train.size(), seed * 1_000_003L + epoch); }

    /** The last packed batch and its guide rows (for tests). */
    int[] lastIds() { return ids; }
    AttentionGuide.Batch lastGuideBatch() { return guideBatch; }

    @Override public ParamStore params() { return model.params(); }
    @Override
    public void initialize(long s) {
        // loading sets every parameter (a missing one is an error), so a started run skips the random init
        if (start == null) {
            model.weights.initialize(s);
            return;
        }
        try {
            int savedVocab = dev.qwenomni.model.Qwen3Config.read(start.resolve("config.json")).vocabSize();
            if (startCodeMap == null && savedVocab == model.config.vocabSize()) {
                HfCheckpoint.loadMatching(model, start);
            } else {
                // the text, specials and body as saved; the audio rows from their old codes' rows, or fresh without a code map
                model.weights.initialize(s);
                HfCheckpoint.loadRows(model, start, rowSources());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A fresh run starts from this checkpoint's weights (same model config, or one that differs only in the vocabulary,
     * whose audio rows then start fresh) instead of a random init; a resume ignores them.
     */
    public TtsTask startFrom(Path checkpoint) {
        this.start = checkpoint;
        this.startCodeMap = null;
        return this;
    }

    /**
     * A fresh run starts from this checkpoint's weights; codeMap[level][code] names the code of the codec it was trained on
     * that each of this codec's codes corresponds to (see {@link dev.qwenomni.codec.CodeCorrespondence}), and each audio row
     * starts from that code's row at the same frame position instead of fresh.
     */
    public TtsTask startFrom(Path checkpoint, int[][] codeMap) {
        this.start = checkpoint;
        this.startCodeMap = java.util.Objects.requireNonNull(codeMap);
        return this;
    }

    /**
     * Where each embedding row of this model comes from in the start checkpoint: the text and specials as they are, the audio
     * rows through the code map (the old codebook size as the checkpoint's tts.json records it), or nowhere (-1) without one.
     */
    private int[] rowSources() throws IOException {
        var here = tokens.audio();
        int[] src = new int[model.config.vocabSize()];
        java.util.Arrays.fill(src, -1);
        for (int i = 0; i < here.audioBase(); i++) src[i] = i;
        if (startCodeMap != null) {
            var old = new OrpheusLayout(here.audioBase(), TtsConfig.read(start).codebookSize());
            int[] audio = here.tokensFrom(old, startCodeMap);
            System.arraycopy(audio, 0, src, here.audioBase(), audio.length);
        }
        return src;
    }

    @Override public long unitsPerStep() { return (long) B * T; }
    @Override public String unitName() { return "token"; }

    /** Packs examples into the B rows; next() supplies them in order. Returns the tokens counted. */
    private int pack(java.util.function.Supplier<Example> next, Example[] carry) {
        java.util.Arrays.fill(ids, tokens.pad());
        java.util.Arrays.fill(targets, -100);
        guideBatch = AttentionGuide.Batch.empty(B * T);
        int counted = 0;
        for (int b = 0; b < B; b++) {
            int at = 0;
            while (true) {
                Example e = carry[0] != null ? carry[0] : next.get();
                carry[0] = null;
                if (e == null) break;
                int n = e.tokens().length;
                if (at + n > T) { carry[0] = e; break; }
                int base = b * T + at;
                System.arraycopy(e.tokens(), 0, ids, base, n);
                // position t predicts token t+1; the audio part (and its closing tokens) always, the text with textLoss
                for (int t = 0; t < n - 1; t++)
                    if (textLoss || t + 1 >= e.promptLength()) { targets[base + t] = e.tokens()[t + 1]; counted++; }
                // for the attention guide (used when the model has one): the symbols after the
                // voice prefix, and the audio tokens before end_of_speech
                AttentionGuide g = guide;
                if (g != null) {
                    int symbolsFrom = at + 1 + TtsExamples.textIds(TtsExamples.promptText(e.voice(), "")).length;
                    int symbolsTo = at + e.promptLength() - 4, audioFrom = at + e.promptLength(), audioTo = at + n - 2;
                    // aligned where the teacher's timings are known, else the diagonal
                    if (e.frameCenters() != null)
                        guideBatch.aligned(b, T, symbolsFrom, symbolsTo, audioFrom, audioTo, e.frameCenters(), OrpheusLayout.FRAME, g.spread);
                    else guideBatch.diagonal(b, T, symbolsFrom, symbolsTo, audioFrom, audioTo, g.sigma);
                }
                at += n;
            }
        }
        return counted;
    }

    @Override
    public Map<String, Double> step(float gradScale) {
        Example[] carry = new Example[1];
        pack(this::nextTrain, carry);
        // an example that did not fit goes first next time
        if (carry[0] != null) index--;
        Qwen3Model.Result r = model.forward(ids, targets, guide == null ? null : guide.on(guideBatch), B, T, gradScale);
        model.backward();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", r.crossEntropy());
        if (!Double.isNaN(model.auxiliaryPenalty())) m.put("guide", model.auxiliaryPenalty());
        m.put("accuracy", (double) r.correct() / Math.max(1, r.count()));
        return m;
    }

    private Example nextTrain() {
        if (index == order.length) { epoch++; index = 0; shuffle(); }
        return train.get(order[index++]);
    }

    /**
     * Validation metrics, plus how much the model reads: the audio loss again with every clip's
     * prompt swapped for its neighbour's (val_loss_other_text) and the difference (val_text_use,
     * nats per audio token; near 0 for a model that writes plausible audio whatever the text).
     */
    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> m = score(val, true);
        double other = score(valOtherText, false).get("val_loss");
        m.put("val_loss_other_text", other);
        m.put("val_text_use", other - m.get("val_loss"));
        return m;
    }

    private Map<String, Double> score(List<Example> set, boolean guided) {
        int[] cursor = {0};
        double guideSum = 0;
        int guideBatches = 0;
        Example[] carry = new Example[1];
        double audioLoss = 0, textLossSum = 0;
        long audioN = 0, audioHit = 0, textN = 0, textHit = 0;
        long[] levelN = new long[3], levelHit = new long[3];
        int V = model.config.vocabSize();
        for (int i = 0; i < evalBatches && (cursor[0] < set.size() || carry[0] != null); i++) {
            pack(() -> cursor[0] < set.size() ? set.get(cursor[0]++) : null, carry);
            // every position is scored here, text included, from the logits
            int[] all = ids.clone();
            int[] tg = new int[B * T];
            for (int p = 0; p < B * T; p++) tg[p] = -100;
            for (int p = 0; p < B * T - 1; p++) if ((p + 1) % T != 0 && all[p + 1] != tokens.pad() && all[p] != tokens.pad()) tg[p] = all[p + 1];
            model.forward(ids, null, guided && guide != null ? guide.on(guideBatch) : null, B, T, 1f);
            if (!Double.isNaN(model.auxiliaryPenalty())) { guideSum += model.auxiliaryPenalty(); guideBatches++; }
            MemorySegment logits = Tensors.seg(model.logits());
            for (int p = 0; p < B * T; p++) {
                int y = tg[p];
                if (y < 0 || y == tokens.startOfHuman()) continue; // the next example's start is not predictable
                long o = (long) p * V;
                float max = Float.NEGATIVE_INFINITY;
                int arg = 0;
                for (int v = 0; v < V; v++) { float x = Kernels.get(logits, o + v); if (x > max) { max = x; arg = v; } }
                double z = 0;
                for (int v = 0; v < V; v++) z += Math.exp(Kernels.get(logits, o + v) - max);
                double nll = Math.log(z) + max - Kernels.get(logits, o + y);
                boolean hit = arg == y;
                boolean audioSide = tokens.isAudio(y) || y == tokens.endOfSpeech() || y == tokens.endOfAi();
                if (audioSide) {
                    audioLoss += nll; audioN++; if (hit) audioHit++;
                    int fp = tokens.framePosition(y);
                    if (fp >= 0) { int lvl = OrpheusLayout.levelOf(fp); levelN[lvl]++; if (hit) levelHit[lvl]++; }
                } else {
                    textLossSum += nll; textN++; if (hit) textHit++;
                }
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val_loss", audioLoss / Math.max(1, audioN));
        m.put("val_accuracy", (double) audioHit / Math.max(1, audioN));
        m.put("val_perplexity", Math.exp(audioLoss / Math.max(1, audioN)));
        m.put("val_text_loss", textLossSum / Math.max(1, textN));
        m.put("val_text_accuracy", (double) textHit / Math.max(1, textN));
        for (int l = 0; l < 3; l++) m.put("val_accuracy_level" + l, (double) levelHit[l] / Math.max(1, levelN[l]));
        // the guided heads' attention mass off the prior's bump (with a guide only)
        if (guideBatches > 0) m.put("val_guide", guideSum / guideBatches);
        return m;
    }

    @Override
    public void saveModel(Path dir) throws IOException {
        HfCheckpoint.save(model, dir, null);
        config.write(dir);
    }

    @Override
    public void loadModel(Path dir) throws IOException { HfCheckpoint.loadMatching(model, dir); }

    @Override public long dataEpoch() { return epoch; }
    @Override public int dataIndex() { return index; }
    @Override public void seek(long e, int i) { epoch = e; index = i; shuffle(); }
}
