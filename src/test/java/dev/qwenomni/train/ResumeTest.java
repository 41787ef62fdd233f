package dev.qwenomni.train;

import dev.qwenomni.lm.TextDataSource;
import dev.qwenomni.lm.LmTask;
import dev.qwenomni.data.ByteTokenizer;
import dev.qwenomni.data.TextCorpus;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Kernels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A run saved and resumed mid-way ends where an unbroken run ends, within float noise; step and data position exactly. */
class ResumeTest {
    @TempDir
    Path dir;
    static TextCorpus corpus;
    static final ByteTokenizer TOK = new ByteTokenizer();

    @BeforeAll
    static void loadCorpus() throws IOException {
        corpus = TextCorpus.load(Path.of("data/corpus/kjv.txt.gz"), TOK, 2, null);
    }

    static Qwen3Config cfg() {
        return new Qwen3Config("qwen3", 264, 32, 64, 2, 4, 2, 8, 10000, 1e-6, true, false, false, true, 64, -1, 256);
    }

    static TrainConfig tc(int steps) {
        return TrainConfig.defaults().with(c -> {
            c.steps = steps; c.batch = 2; c.seqLen = 32; c.accum = 2; c.lr = 3e-3; c.warmup = 2; c.evalEvery = 3; c.evalBatches = 2;
            c.checkpointEvery = 3; c.seed = 77; c.attention = "flash";
        });
    }

    static LmTask task(Qwen3Model m) {
        return new LmTask(m, new TextDataSource(corpus, 32, 77), TOK, 2, 32, 2);
    }

    private Qwen3Model train(Path out, int stopAfter) throws IOException {
        Qwen3Model m = new Qwen3Model(cfg(), AttentionKind.FLASH);
        new Trainer(task(m), tc(7), out).showProgress(false).run(9, stopAfter);
        return m;
    }

    @Test
    void resumedRunMatchesUnbrokenRunWithinFloatNoise() throws IOException {
        Qwen3Model unbroken = train(dir.resolve("a"), Integer.MAX_VALUE);
        train(dir.resolve("b"), 3);
        assertTrue(Files.isDirectory(dir.resolve("b/checkpoints/step-000003")));
        Qwen3Model resumed = train(dir.resolve("b"), Integer.MAX_VALUE);
        float[] pa = unbroken.params().values().data().asFloat(), pb = resumed.params().values().data().asFloat();
        float[] ma = unbroken.params().adamV().data().asFloat(), mb = resumed.params().adamV().data().asFloat();
        double maxDiff = 0, maxStep = 0;
        Qwen3Model init = new Qwen3Model(cfg(), AttentionKind.FLASH);
        init.weights.initialize(9);
        float[] p0 = init.params().values().data().asFloat();
        for (int i = 0; i < pa.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(pa[i] - pb[i]));
            maxStep = Math.max(maxStep, Math.abs(pa[i] - p0[i]));
        }
        // Not bit for bit: the same run repeated in one JVM already differs in the last bits (~1e-7 here),
        // because Vector API reductions and the vector exp have tier-dependent rounding (the
        // interpreter's fallback and C2's intrinsics sum lanes in different orders). So the bound
        // is float noise: 1e-3 of the largest update, about 100x the observed noise, while a real
        // resume bug (lost moments, wrong step or data position) moves weights by a whole update.
        assertTrue(maxDiff < 1e-3 * maxStep, "resume drift " + maxDiff + " vs largest update " + maxStep);
        double maxV = 0, maxVDiff = 0;
        for (int i = 0; i < ma.length; i++) { maxV = Math.max(maxV, Math.abs(ma[i])); maxVDiff = Math.max(maxVDiff, Math.abs(ma[i] - mb[i])); }
        assertTrue(maxVDiff < 1e-3 * maxV, "AdamW second moments drift " + maxVDiff + " vs " + maxV);
        assertTrue(maxStep > 1e-3, "training moved the weights");
        // the step and data position restored exactly
        TrainingState sa = Checkpoints.restore(dir.resolve("a/checkpoints/step-000007"), task(new Qwen3Model(cfg(), AttentionKind.FLASH)));
        TrainingState sb = Checkpoints.restore(dir.resolve("b/checkpoints/step-000007"), task(new Qwen3Model(cfg(), AttentionKind.FLASH)));
        assertEquals(sa, sb);
    }

    @Test
    void nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path out = dir.resolve("nan");
        Qwen3Model m = new Qwen3Model(cfg(), AttentionKind.FLASH);
        m.weights.initialize(1);
        Kernels.set(m.weights.embed.v, 5, Float.NaN);
        Checkpoints.save(out.resolve("checkpoints"), task(m), new TrainingState(2, 0, 4, 77, 0), tc(7), 2);
        Trainer t = new Trainer(task(new Qwen3Model(cfg(), AttentionKind.FLASH)), tc(7), out).showProgress(false);
        Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class, () -> t.run(1));
        assertTrue(e.getMessage().contains("step 3") && e.getMessage().contains("step-000002"), e.getMessage());
        assertEquals("step-000002", Files.readString(out.resolve("checkpoints/latest")).trim());
    }

    @Test
    void scheduleWarmsUpThenDecaysToTheFloor() {
        LrSchedule s = new LrSchedule(1.0, 10, 110, 0.1);
        assertEquals(0.1, s.at(1), 1e-12);
        assertEquals(1.0, s.at(10), 1e-12);
        assertEquals(0.55, s.at(60), 1e-12);
        assertEquals(0.1, s.at(110), 1e-12);
        assertTrue(s.at(30) > s.at(31));
    }
}
