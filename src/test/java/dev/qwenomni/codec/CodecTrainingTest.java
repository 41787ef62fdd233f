package dev.qwenomni.codec;

import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.train.TrainConfig;
import dev.qwenomni.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The codec trains under the shared trainer on real speech, checkpoints, and resumes. */
class CodecTrainingTest {
    @TempDir
    Path dir;

    /** Three short clips of the test voices at 24 kHz under dir, the last of them the val split. */
    static Path speechManifest(Path dir) throws IOException {
        List<ManifestEntry> e = new ArrayList<>();
        int i = 0;
        for (String f : new String[]{"birch_flite_rms_16k.wav", "glue_flite_awb_16k.wav", "birch_festival_slt_16k.wav"}) {
            Wav.Audio a = Wav.read(Path.of("src/test/resources/speech").resolve(f));
            Path out = dir.resolve("clip" + i + ".wav");
            Wav.write(out, Resampler.resample(a.samples(), a.sampleRate(), 24000), 24000);
            e.add(new ManifestEntry("c" + i, "text", "teacher", a.seconds(), i == 2 ? "val" : "train", out.getFileName().toString()));
            i++;
        }
        Path m = dir.resolve("manifest.jsonl");
        ManifestEntry.write(m, e);
        return m;
    }

    private SnacCodec train(Path manifest, Path out, int stopAfter) throws IOException {
        return train(manifest, out, stopAfter, c -> {});
    }

    private final List<Integer> reseeded = new ArrayList<>();

    private SnacCodec train(Path manifest, Path out, int stopAfter, java.util.function.Consumer<SnacCodec> freeze) throws IOException {
        SnacCodec codec = new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG));
        freeze.accept(codec);
        CodecTask task = new CodecTask(codec, manifest, ManifestEntry.read(manifest), 4096, 2, 1, 5);
        TrainConfig tc = TrainConfig.defaults().with(c -> {
            c.steps = 6; c.batch = 2; c.seqLen = 4096; c.lr = 1e-3; c.warmup = 1; c.weightDecay = 0.01; c.beta1 = 0.8; c.beta2 = 0.99;
            c.clip = 10; c.evalEvery = 3; c.evalBatches = 1; c.checkpointEvery = 3; c.seed = 5; c.attention = "n/a";
        });
        // re-seed unused codes every 4 steps, as codec train does every few hundred: checkpoints fall every 3,
        // so a resume from step 3 lands inside a window whose counts and pools must carry over
        new Trainer(task, tc, out).showProgress(false).afterStep(step -> { if (step % 4 == 0) reseeded.add(task.reseedDeadCodes()); }).run(3, stopAfter);
        return codec;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) Files.copy(p, to.resolve(from.relativize(p).toString()));
        }
    }

    @Test
    void aFreshRunStartsFromGivenWeights() throws IOException {
        Path m = speechManifest(dir);
        SnacCodec narrow = new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG));
        narrow.initialize(4);
        SnacCodec start = CodecWidening.widenDecoder(narrow, 96, 0.01, 2), trained = new SnacCodec(start.config);
        CodecTask task = new CodecTask(trained, m, ManifestEntry.read(m), 4096, 2, 1, 5).startFrom(start);
        task.initialize(99);
        for (int i = 0; i < start.params.params().size(); i++) {
            var a = start.params.params().get(i);
            var b = trained.params.params().get(i);
            assertEquals(a.name, b.name);
            for (long k = 0; k < a.size; k++) assertEquals(dev.qwenomni.tensor.Kernels.get(a.v, k), dev.qwenomni.tensor.Kernels.get(b.v, k), a.name);
        }
        CodecTask mismatched = new CodecTask(new SnacCodec(narrow.config), m, ManifestEntry.read(m), 4096, 2, 1, 5).startFrom(start);
        var e = assertThrows(IllegalArgumentException.class, () -> mismatched.initialize(1));
        assertTrue(e.getMessage().contains("decoder."), e.getMessage());
    }

    /** The decoder's gradient after one step of a fresh task with these spectral weights (same data, noise and init). */
    private static float[] decoderGradient(Path m, float mel, float stft, java.util.Map<String, Double> metrics) throws IOException {
        return decoderGradient(m, mel, stft, 0, 0, metrics);
    }

    private static float[] decoderGradient(Path m, float mel, float stft, float periodicity, float cepstral,
                                           java.util.Map<String, Double> metrics) throws IOException {
        return decoderGradient(m, mel, stft, periodicity, cepstral, 0, metrics);
    }

    /** A recogniser front end like pocketsphinx en-us's, with every feature's deviation 10. */
    static final dev.qwenomni.audio.RecogniserFeatureLoss.FrontEnd FRONT_END = new dev.qwenomni.audio.RecogniserFeatureLoss.FrontEnd(
            130, 6800, 25, 22, java.util.stream.DoubleStream.generate(() -> 10).limit(39).toArray());

    private static float[] decoderGradient(Path m, float mel, float stft, float periodicity, float cepstral, float recogniser,
                                           java.util.Map<String, Double> metrics) throws IOException {
        int rate = SnacConfig.read(SnacFixtureParityTest.CONFIG).samplingRate();
        return gradient(m, task -> task.withSpectralWeights(mel, stft).withPeriodicityWeight(periodicity).withCepstralWeight(cepstral)
                .withRecogniserFeatures(new dev.qwenomni.audio.RecogniserFeatureLoss(rate, FRONT_END), recogniser), metrics);
    }

    /**
     * Why codec training defaults to float32: with bf16 convolution products (what --precision bf16
     * runs) the committed codec reconstructs the test clips measurably worse (mel distance 0.271 ->
     * 0.330 when measured, +22%), while its VQ term and the LM's losses barely move. If a change makes
     * bf16 hold the codec's quality, this fails, and the default can follow the CPU.
     */
    @Test
    void bf16ConvolutionsCostTheCommittedCodecQualitySoCodecTrainingDefaultsToFp32() throws IOException {
        Path m = speechManifest(dir);
        SnacCodec committed = CodecCheckpoint.load(Path.of("checkpoints/codec"));
        java.util.Map<String, Double> fp32 = new java.util.HashMap<>(), bf16 = new java.util.HashMap<>();
        float[] g32 = committedStepGradient(committed, m, fp32);
        try (var s = dev.qwenomni.tensor.Autocast.enter(dev.qwenomni.tensor.Precision.BF16)) {
            committedStepGradient(committed, m, bf16);
        }
        assertTrue(bf16.get("mel") > 1.05 * fp32.get("mel"), "mel distance " + bf16.get("mel") + " in bf16 vs " + fp32.get("mel"));
        assertTrue(Math.abs(bf16.get("vq") - fp32.get("vq")) < 0.01 * fp32.get("vq"), "VQ term " + bf16.get("vq") + " vs " + fp32.get("vq"));
        assertTrue(java.util.stream.IntStream.range(0, g32.length).anyMatch(i -> g32[i] != 0), "the step has a gradient");
        assertEquals("fp32", CodecTraining.DEFAULT_TRAIN.precision());
    }

    private static float[] committedStepGradient(SnacCodec from, Path m, java.util.Map<String, Double> metrics) throws IOException {
        SnacCodec codec = new SnacCodec(from.config);
        CodecTask task = new CodecTask(codec, m, ManifestEntry.read(m), 4096, 2, 1, 5).startFrom(from);
        task.initialize(11);
        codec.params.zeroGrads();
        metrics.putAll(task.step(1f));
        return codec.params.grads().data().asFloat();
    }

    /** The gradient of every parameter after one fresh step of a fixture-config codec under this objective. */
    private static float[] gradient(Path m, java.util.function.UnaryOperator<CodecTask> objective,
                                    java.util.Map<String, Double> metrics) throws IOException {
        SnacCodec codec = new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG));
        CodecTask task = objective.apply(new CodecTask(codec, m, ManifestEntry.read(m), 4096, 2, 1, 5));
        task.initialize(11);
        codec.params.zeroGrads();
        metrics.putAll(task.step(1f));
        return codec.params.grads().data().asFloat();
    }

    /**
     * Gradients at a base weight, one unit above it and ratio units above it: the third step is ratio times the first
     * (to 1e-3 of its norm), and the first is not zero, so the weight reaches the gradient and only linearly.
     */
    private static void assertLinearInWeight(float[] base, float[] oneUp, float[] ratioUp, double ratio, String what) {
        double diff = 0, norm = 0, step = 0;
        for (int i = 0; i < base.length; i++) {
            double far = ratioUp[i] - base[i], near = oneUp[i] - base[i];
            diff += (far - ratio * near) * (far - ratio * near);
            norm += far * far;
            step += near * near;
        }
        assertTrue(step > 0, what + " reaches the gradient");
        assertTrue(Math.sqrt(diff) < 1e-3 * Math.sqrt(norm), what + ", linear in the weight: " + Math.sqrt(diff) + " vs " + Math.sqrt(norm));
    }

    @Test
    void theStftWeightScalesItsTermInTheLossAndTheGradient() throws IOException {
        Path m = speechManifest(dir);
        java.util.Map<String, Double> l1 = new java.util.HashMap<>(), l2 = new java.util.HashMap<>(), l5 = new java.util.HashMap<>();
        float[] g1 = decoderGradient(m, 15, 1, l1), g2 = decoderGradient(m, 15, 2, l2), g5 = decoderGradient(m, 15, 5, l5);
        assertEquals(l1.get("stft"), l5.get("stft"), "the same segments and weights give the same terms");
        assertEquals(l1.get("loss") + 4 * l1.get("stft"), l5.get("loss"), 1e-9);
        // the gradient is linear in the weight: g(5) - g(1) = 4 (g(2) - g(1)), and not zero
        assertLinearInWeight(g1, g2, g5, 4, "the STFT weight");
        var e = assertThrows(IllegalArgumentException.class, () -> new CodecTask(new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG)),
                m, ManifestEntry.read(m), 4096, 2, 1, 5).withSpectralWeights(0, 0));
        assertTrue(e.getMessage().contains("mel 0.0, stft 0.0"), e.getMessage());
    }

    /** One fresh step with an extra term at this weight. */
    private interface StepAtWeight {
        float[] gradient(float weight, java.util.Map<String, Double> metrics) throws IOException;
    }

    /**
     * Steps at weights 0, 1 and 3 of one term: it is left out at 0, its value is the same at both weights and enters
     * the loss at its weight, and the gradient is linear in the weight. Returns the term's value.
     */
    private static double assertTermEntersAtItsWeight(String key, StepAtWeight step) throws IOException {
        java.util.Map<String, Double> l0 = new java.util.HashMap<>(), l1 = new java.util.HashMap<>(), l3 = new java.util.HashMap<>();
        float[] g0 = step.gradient(0, l0), g1 = step.gradient(1, l1), g3 = step.gradient(3, l3);
        assertFalse(l0.containsKey(key), "left out at weight 0");
        double v = l1.get(key);
        assertEquals(v, l3.get(key));
        assertEquals(l0.get("loss") + v, l1.get("loss"), 1e-9);
        assertEquals(l0.get("loss") + 3 * v, l3.get("loss"), 1e-9);
        assertLinearInWeight(g0, g1, g3, 3, "the " + key + " weight");
        return v;
    }

    @Test
    void theCepstralWeightAddsItsTermToTheLossAndTheGradient() throws IOException {
        Path m = speechManifest(dir);
        double c = assertTermEntersAtItsWeight("cepstral", (w, metrics) -> decoderGradient(m, 15, 1, 0, w, metrics));
        assertTrue(c > 0, "a random decoder does not render speech's envelope: " + c);
        var e = assertThrows(IllegalArgumentException.class, () -> new CodecTask(new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG)),
                m, ManifestEntry.read(m), 4096, 2, 1, 5).withCepstralWeight(Float.NaN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void theRecogniserWeightAddsItsTermToTheLossAndTheGradientAndValidationReportsIt() throws IOException {
        Path m = speechManifest(dir);
        double r = assertTermEntersAtItsWeight("recogniser", (w, metrics) -> decoderGradient(m, 15, 1, 0, 0, w, metrics));
        assertTrue(r > 0, "a random decoder does not render speech's features: " + r);
        SnacCodec codec = new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG));
        CodecTask task = new CodecTask(codec, m, ManifestEntry.read(m), 4096, 2, 1, 5);
        task.initialize(11);
        assertFalse(task.evaluate().containsKey("val_recogniser"), "not measured without a front end");
        task.withRecogniserFeatures(new dev.qwenomni.audio.RecogniserFeatureLoss(codec.config.samplingRate(), FRONT_END), 0);
        var val = task.evaluate();
        assertTrue(val.get("val_recogniser") > 0, "validation measures it at weight 0: " + val);
        var e = assertThrows(IllegalArgumentException.class, () -> task.withRecogniserFeatures(
                new dev.qwenomni.audio.RecogniserFeatureLoss(24000, FRONT_END), -2));
        assertTrue(e.getMessage().contains("-2.0"), e.getMessage());
    }

    @Test
    void theCommitmentWeightScalesItsTermInTheLossAndTheGradient() throws IOException {
        Path m = speechManifest(dir);
        java.util.Map<String, Double> l0 = new java.util.HashMap<>(), l1 = new java.util.HashMap<>(), l3 = new java.util.HashMap<>();
        float[] g0 = gradient(m, t -> t.withCommitmentWeight(0.25f), l0), g1 = gradient(m, t -> t.withCommitmentWeight(1.25f), l1),
                g3 = gradient(m, t -> t.withCommitmentWeight(3.25f), l3);
        double vq = l0.get("vq");
        assertTrue(vq > 0, "a random codec's encodings are off its codes: " + vq);
        assertEquals(vq, l3.get("vq"), "the same segments give the same codes");
        assertEquals(l0.get("loss") + vq, l1.get("loss"), 1e-9);
        assertEquals(l0.get("loss") + 3 * vq, l3.get("loss"), 1e-9);
        assertLinearInWeight(g0, g1, g3, 3, "the commitment weight");
        var e = assertThrows(IllegalArgumentException.class, () -> new CodecTask(new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG)),
                m, ManifestEntry.read(m), 4096, 2, 1, 5).withCommitmentWeight(Float.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("commitment weight") && e.getMessage().contains("Infinity"), e.getMessage());
    }

    @Test
    void thePeriodicityWeightAddsItsTermToTheLossAndTheGradient() throws IOException {
        Path m = speechManifest(dir);
        double p = assertTermEntersAtItsWeight("periodicity", (w, metrics) -> decoderGradient(m, 15, 1, w, 0, metrics));
        assertTrue(p > 0, "a random decoder is less periodic than speech: " + p);
        var e = assertThrows(IllegalArgumentException.class, () -> new CodecTask(new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG)),
                m, ManifestEntry.read(m), 4096, 2, 1, 5).withPeriodicityWeight(-1));
        assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
    }

    @Test
    void reseededCodesComeFromVariedEncodings() {
        dev.qwenomni.tensor.ParamStore s = new dev.qwenomni.tensor.ParamStore();
        VectorQuantizer q = new VectorQuantizer(s, "q", 4, 16, 3, 1);
        s.allocate();
        java.util.Random r = new java.util.Random(1);
        for (var p : s.params()) for (long i = 0; i < p.size; i++) dev.qwenomni.tensor.Kernels.set(p.v, i, (float) (0.5 + r.nextGaussian()));
        for (int k = 0; k < 5; k++) {
            float[] z = new float[4 * 8];
            for (int i = 0; i < z.length; i++) z[i] = (float) r.nextGaussian();
            q.trainForward(z, 8);
        }
        assertEquals(16, q.reseedDead(new long[16], new java.util.Random(2)));
        java.util.Set<String> rows = new java.util.HashSet<>();
        float[] cb = Layers.read(q.codebook);
        for (int k = 0; k < 16; k++) rows.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(cb, 3 * k, 3 * k + 3)));
        assertEquals(16, rows.size(), "40 encodings seen, 16 distinct rows drawn");
        assertEquals(0, q.reseedDead(new long[16], new java.util.Random(3)), "the pool empties at each re-seed");
    }

    @Test
    void theDefaultReseedIntervalWaitsForSixteenCoarsePicksPerCode() throws IOException {
        Path m = speechManifest(dir);
        List<ManifestEntry> e = ManifestEntry.read(m);
        // default codec: 12288 samples / hop 512 / stride 4 = 6 coarse codes per segment, 24 per step of 4;
        // 16 x 1024 picks take 683 steps, rounded up to whole checkpoint intervals of 100
        CodecTask small = new CodecTask(new SnacCodec(dev.qwenomni.codec.CodecTraining.DEFAULT_CONFIG), m, e, 12288, 4, 1, 5);
        assertEquals(700, small.defaultReseedEvery(1, 100));
        assertEquals(400, small.defaultReseedEvery(2, 100), "accumulation picks more codes per step");
        assertEquals(683, small.defaultReseedEvery(1, 1));
        // SNAC 24 kHz: 4096 codes, the same strides: 65536 picks at 24 per step
        CodecTask real = new CodecTask(new SnacCodec(SnacConfig.SNAC_24KHZ), m, e, 12288, 4, 1, 5);
        assertEquals(2731, real.defaultReseedEvery(1, 1));
    }

    @Test
    void trainsCheckpointsAndResumes() throws IOException {
        Path m = speechManifest(dir);
        SnacCodec unbroken = train(m, dir.resolve("a"), Integer.MAX_VALUE);
        assertTrue(reseeded.get(0) > 0, "the re-seed at step 4 replaced codes: " + reseeded);
        train(m, dir.resolve("b"), 3);
        assertTrue(Files.isRegularFile(dir.resolve("b/checkpoints/step-000003/" + CodecTask.RESEED_STATE)));
        // the same checkpoint without its re-seed window: the resumed run must come out different
        copyTree(dir.resolve("b"), dir.resolve("c"));
        Files.delete(dir.resolve("c/checkpoints/step-000003/" + CodecTask.RESEED_STATE));
        SnacCodec resumed = train(m, dir.resolve("b"), Integer.MAX_VALUE);
        SnacCodec forgetful = train(m, dir.resolve("c"), Integer.MAX_VALUE);
        assertFalse(java.util.Arrays.equals(unbroken.params.values().data().asFloat(), forgetful.params.values().data().asFloat()),
                "a resume that loses the re-seed window re-seeds differently");
        float[] pa = unbroken.params.values().data().asFloat(), pb = resumed.params.values().data().asFloat();
        SnacCodec init = new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG));
        init.initialize(3);
        float[] p0 = init.params.values().data().asFloat();
        double drift = 0, update = 0;
        for (int i = 0; i < pa.length; i++) { drift = Math.max(drift, Math.abs(pa[i] - pb[i])); update = Math.max(update, Math.abs(pa[i] - p0[i])); }
        assertTrue(update > 1e-4, "training moved the weights");
        // the codec path has no tier-dependent rounding (fixed-order lane sums, our own vector
        // sine, plain loops and gemm), so a resumed run is bit-identical to an unbroken one
        assertArrayEquals(pa, pb, "parameters after resume (max diff " + drift + ")");
        assertArrayEquals(unbroken.params.adamV().data().asFloat(), resumed.params.adamV().data().asFloat(), "AdamW moments");
        assertTrue(Files.isRegularFile(dir.resolve("a/checkpoints/step-000006/model.safetensors")));
        assertTrue(Files.readString(dir.resolve("a/metrics.jsonl")).contains("codebook_perplexity_2"));
        // the saved checkpoint is a codec directory the codec commands load
        SnacCodec loaded = CodecCheckpoint.load(dir.resolve("a/checkpoints/step-000006"));
        assertArrayEquals(pa, loaded.params.values().data().asFloat());
    }

    @Test
    void frozenCodesKeepEncoderAndQuantizersAndTheirHashWhileTheDecoderTrains() throws IOException {
        Path m = speechManifest(dir);
        train(m, dir.resolve("c"), 3);
        SnacCodec before = CodecCheckpoint.load(dir.resolve("c/checkpoints/step-000003"));
        SnacCodec after = train(m, dir.resolve("c"), Integer.MAX_VALUE, SnacCodec::freezeCodes);
        assertEquals(CodecCheckpoint.codesSha256(before), CodecCheckpoint.codesSha256(after));
        int moved = 0;
        for (var p : before.params.params()) {
            float[] a = Layers.read(p), b = Layers.read(after.params.get(p.name));
            if (SnacCodec.definesCodes(p.name)) assertArrayEquals(a, b, p.name + " is frozen");
            else if (!java.util.Arrays.equals(a, b)) moved++;
        }
        assertTrue(moved > 10, "decoder tensors updated: " + moved);
        // the same audio gets the same codes from both
        float[] x = before.preprocess(Wav.read(dir.resolve("clip0.wav")).samples());
        assertArrayEquals(before.encode(x), after.encode(x));
        // and the hash does notice a change in what decides the codes
        dev.qwenomni.tensor.Kernels.set(after.params.get("quantizer.quantizers.0.codebook.weight").v, 0, 9f);
        assertNotEquals(CodecCheckpoint.codesSha256(before), CodecCheckpoint.codesSha256(after));
    }

    @Test
    void frozenDecodingKeepsWhatCodesMeanWhileTheEncoderLearnsWhichToPick() throws IOException {
        Path m = speechManifest(dir);
        train(m, dir.resolve("d"), 3);
        SnacCodec before = CodecCheckpoint.load(dir.resolve("d/checkpoints/step-000003"));
        reseeded.clear();
        SnacCodec after = train(m, dir.resolve("d"), Integer.MAX_VALUE, SnacCodec::freezeDecoding);
        assertEquals(List.of(0), reseeded, "no code is re-seeded while the codebooks are frozen");
        int moved = 0;
        for (var p : before.params.params()) {
            float[] a = Layers.read(p), b = Layers.read(after.params.get(p.name));
            if (SnacCodec.definesDecoding(p.name)) assertArrayEquals(a, b, p.name + " is frozen");
            else {
                assertTrue(p.name.startsWith("encoder.") || p.name.contains(".in_proj."), p.name);
                if (!java.util.Arrays.equals(a, b)) moved++;
            }
        }
        assertTrue(moved > 10, "encoder tensors updated: " + moved);
        // a TTS model keeps speaking through it: other codes may be picked, but they stand for the same vectors
        assertNotEquals(CodecCheckpoint.codesSha256(before), CodecCheckpoint.codesSha256(after));
        assertEquals(CodecCheckpoint.codebooksSha256(before), CodecCheckpoint.codebooksSha256(after));
        // any code sequence decodes to the same audio
        float[] x = before.preprocess(Wav.read(dir.resolve("clip0.wav")).samples());
        int[][] codes = before.encode(x);
        assertArrayEquals(before.decode(codes, NoiseSource.OFF), after.decode(codes, NoiseSource.OFF));
        assertThrows(IllegalStateException.class, after::freezeCodes);
    }

    @Test
    void aManifestTooLargeForTheHeapIsRefusedUpFrontWithTheFix() {
        // 20 h of train audio at 24 kHz is 6.4 GiB of floats; the held-out test clips are never loaded
        List<ManifestEntry> big = List.of(
                new ManifestEntry("a", "t", "flite:rms", 72000, "train", "a.wav"),
                new ManifestEntry("b", "t", "flite:rms", 1e6, "test", "b.wav"));
        Path m = Path.of("data/cache/speech-rms20/manifest.jsonl");
        long gib = 1L << 30;
        var e = assertThrows(IllegalArgumentException.class, () -> CodecTask.requireHeapFor(m, big, 24000, 6 * gib));
        assertTrue(e.getMessage().contains("speech-rms20/manifest.jsonl") && e.getMessage().contains("20.0 h")
                && e.getMessage().contains("OMNI_XMX=10g"), e.getMessage());
        assertDoesNotThrow(() -> CodecTask.requireHeapFor(m, big, 24000, 13 * gib));
    }
}
