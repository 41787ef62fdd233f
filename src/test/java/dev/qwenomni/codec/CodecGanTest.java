package dev.qwenomni.codec;

import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.nn.GradCheck;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;
import dev.qwenomni.train.TrainConfig;
import dev.qwenomni.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.BitSet;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/** The multi-period discriminator: its backward against finite differences, its losses, its state, and a GAN run's exact resume. */
class CodecGanTest {
    @TempDir
    Path dir;

    private final Random rnd = new Random(5);

    private float[] noise(int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (scale * rnd.nextGaussian());
        return x;
    }

    /**
     * A third of GradCheck's 1e-2 probe: a kink-free probe can be small, but the loss is summed in float, and
     * at 1e-3 its rounding swamps the smallest gradients of these nets (measured).
     */
    private static final float PROBE = 3e-3f;

    /** Tiny widths, directions and biases of unit scale (so both LeakyReLU branches are used) and non-trivial g. */
    private MultiPeriodDiscriminator tiny(int... periods) {
        MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(periods, new int[]{3, 4, 2});
        d.initialize(9);
        for (Param p : d.params.params()) {
            if (p.name.endsWith("bias")) for (long i = 0; i < p.size; i++) Kernels.set(p.v, i, (float) (0.3 * rnd.nextGaussian()));
            if (p.name.endsWith("original1")) for (long i = 0; i < p.size; i++) Kernels.set(p.v, i, (float) rnd.nextGaussian());
            if (p.name.endsWith("original0")) for (long i = 0; i < p.size; i++) Kernels.set(p.v, i, (float) (0.5 + rnd.nextDouble()));
        }
        return d;
    }

    /** Which side of its kink every LeakyReLU input (and, with a real pass, every feature-matching difference) is on. */
    private static BitSet branches(MultiPeriodDiscriminator.Passes fake, MultiPeriodDiscriminator.Passes real) {
        BitSet b = new BitSet();
        int k = 0;
        for (int d = 0; d < fake.list.size(); d++) {
            PeriodDiscriminator.Pass f = fake.list.get(d);
            for (int l = 0; l < f.features.length; l++)
                for (int c = 0; c < f.period(); c++)
                    for (int i = 0; i < f.features[l][c].length; i++) {
                        if (l < f.features.length - 1 && f.features[l][c][i] < 0) b.set(k);
                        k++;
                        if (real != null && f.features[l][c][i] < real.list.get(d).features[l][c][i]) b.set(k);
                        k++;
                    }
        }
        return b;
    }

    @Test
    void periodDiscriminatorBackwardMatchesFiniteDifferences() {
        MultiPeriodDiscriminator d = tiny(3);
        int T = 58; // not a multiple of the period: the padded tail must get no gradient
        float[] x = noise(T, 1);
        MultiPeriodDiscriminator.Passes p0 = d.forward(x);
        PeriodDiscriminator.Pass pass = p0.list.get(0);
        // a random linear function of every feature map
        float[][][] r = new float[pass.features.length][pass.period()][];
        for (int l = 0; l < r.length; l++) for (int c = 0; c < pass.period(); c++) r[l][c] = noise(pass.features[l][c].length, 1);
        DoubleSupplier loss = () -> {
            PeriodDiscriminator.Pass q = d.forward(x).list.get(0);
            double s = 0;
            for (int l = 0; l < r.length; l++) for (int c = 0; c < r[l].length; c++) for (int i = 0; i < r[l][c].length; i++) s += (double) r[l][c][i] * q.features[l][c][i];
            return s;
        };
        d.params.zeroGrads();
        float[] dx = pass.backward(r, true);
        Supplier<?> kinks = () -> branches(d.forward(x), null);
        GradCheck.check("period 3 dx", loss, MemorySegment.ofArray(x), x.length, dx, 58, 1, PROBE, kinks);
        int seed = 2;
        for (Param p : d.params.params()) GradCheck.check("period 3 " + p.name, loss, p.v, p.size, GradCheck.copy(p.g(), p.size), 30, seed++, PROBE, kinks);
        // the generator's pass leaves the parameters' gradients alone
        d.params.zeroGrads();
        pass.backward(r, false);
        assertEquals(0.0, d.params.gradNorm());
    }

    @Test
    void generatorGradientMatchesFiniteDifferencesOfItsLosses() {
        MultiPeriodDiscriminator d = tiny(2, 3);
        float[] real = noise(47, 0.5), fake = noise(47, 0.5);
        float adv = 1f, feat = 2f;
        MultiPeriodDiscriminator.Passes r = d.forward(real);
        MultiPeriodDiscriminator.Losses l = d.generatorLosses(r, d.forward(fake), adv, feat);
        DoubleSupplier loss = () -> {
            MultiPeriodDiscriminator.Losses q = d.generatorLosses(r, d.forward(fake), adv, feat);
            return adv * q.adversarial() + feat * q.featureMatching();
        };
        assertTrue(l.adversarial() > 0 && l.featureMatching() > 0);
        GradCheck.check("generator d fake", loss, MemorySegment.ofArray(fake), fake.length, l.generatorGrad(), 47, 3, PROBE, () -> branches(d.forward(fake), r));
        assertEquals(0.0, d.params.gradNorm(), "the generator's losses leave the discriminator's gradients alone");
        // identical audio: nothing to match
        assertEquals(0.0, d.generatorLosses(r, d.forward(real.clone()), adv, feat).featureMatching(), 1e-12);
    }

    @Test
    void discriminatorGradientsMatchFiniteDifferencesOfItsLoss() {
        MultiPeriodDiscriminator d = tiny(2, 5);
        float[] real = noise(40, 0.5), fake = noise(40, 0.5);
        DoubleSupplier loss = () -> {
            double v = d.accumulateDiscriminatorGrads(d.forward(real), d.forward(fake), 0f);
            return v;
        };
        d.params.zeroGrads();
        double l0 = d.accumulateDiscriminatorGrads(d.forward(real), d.forward(fake), 1f);
        assertTrue(l0 > 0);
        float[][] grads = new float[d.params.params().size()][];
        int i = 0;
        for (Param p : d.params.params()) grads[i++] = GradCheck.copy(p.g(), p.size);
        i = 0;
        int seed = 4;
        Supplier<?> kinks = () -> List.of(branches(d.forward(fake), null), branches(d.forward(real), null));
        for (Param p : d.params.params()) GradCheck.check("discriminator " + p.name, loss, p.v, p.size, grads[i++], 30, seed++, PROBE, kinks);
    }

    /**
     * Trained on speech against the same speech with white noise at a third of its RMS, the discriminator learns to
     * tell them apart. (Against a 5-tap moving average of 16 kHz speech, whose difference is a few per cent of the
     * energy, these tiny widths stay at the constant 0.5 for 150 updates: this checks learning, not acuity.)
     */
    @Test
    void theDiscriminatorLearnsToTellSpeechFromANoisyCopy() throws IOException {
        Wav.Audio a = Wav.read(Path.of("src/test/resources/speech/birch_flite_rms_16k.wav"));
        float[] real = java.util.Arrays.copyOfRange(Resampler.resample(a.samples(), a.sampleRate(), 24000), 12000, 12000 + 4096);
        double rms = 0;
        for (float v : real) rms += v * v;
        rms = Math.sqrt(rms / real.length);
        float[] fake = real.clone();
        for (int t = 0; t < fake.length; t++) fake[t] += (float) (rms / 3 * rnd.nextGaussian());
        MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(new int[]{2, 3}, new int[]{8, 16, 16});
        d.initialize(1);
        double first = 0, last = 0;
        for (int step = 0; step < 100; step++) {
            double l = d.accumulateDiscriminatorGrads(d.forward(real), d.forward(fake), 1f);
            d.update(2e-3f, 10);
            if (step == 0) first = l;
            last = l;
        }
        assertEquals(100, d.steps());
        assertTrue(last < 0.2 * first, "discriminator loss " + first + " -> " + last);
        double sr = mean(d.forward(real)), sf = mean(d.forward(fake));
        assertTrue(sr > sf + 0.5, "scores real " + sr + ", noisy " + sf);
    }

    private static double mean(MultiPeriodDiscriminator.Passes p) {
        double s = 0;
        int n = 0;
        for (PeriodDiscriminator.Pass q : p.list) for (float v : q.scores()) { s += v; n++; }
        return s / n;
    }

    @Test
    void stateRoundTripsAndAMismatchedDiscriminatorIsRefused() throws IOException {
        MultiPeriodDiscriminator d = tiny(2, 3);
        d.accumulateDiscriminatorGrads(d.forward(noise(30, 1)), d.forward(noise(30, 1)), 1f);
        d.update(1e-3f, 10);
        Path f = dir.resolve("d.safetensors");
        d.save(f);
        MultiPeriodDiscriminator e = new MultiPeriodDiscriminator(new int[]{2, 3}, new int[]{3, 4, 2});
        e.load(f);
        assertArrayEquals(d.params.values().data().asFloat(), e.params.values().data().asFloat());
        assertArrayEquals(d.params.adamM().data().asFloat(), e.params.adamM().data().asFloat());
        assertArrayEquals(d.params.adamV().data().asFloat(), e.params.adamV().data().asFloat());
        assertEquals(1, e.steps());
        IOException x = assertThrows(IOException.class, () -> new MultiPeriodDiscriminator(new int[]{2, 5}, new int[]{3, 4, 2}).load(f));
        assertTrue(x.getMessage().contains("periods [2, 3]"), x.getMessage());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> new MultiPeriodDiscriminator(new int[]{2}, new int[]{4, 0}));
        assertTrue(w.getMessage().contains("[4, 0]"), w.getMessage());
    }

    private record Run(SnacCodec codec, MultiPeriodDiscriminator disc) {}

    /** Six steps of a decoder-only GAN run; the adversarial losses join after the discriminator's second update. */
    private Run train(Path manifest, Path out, int stopAfter) throws IOException {
        SnacCodec codec = new SnacCodec(SnacConfig.read(SnacFixtureParityTest.CONFIG));
        codec.freezeCodes();
        MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(new int[]{2, 3}, new int[]{4, 8, 8});
        CodecTask task = new CodecTask(codec, manifest, ManifestEntry.read(manifest), 4096, 2, 1, 5)
                .withGan(new CodecTask.Gan(d, 1f, 2f, 1e-3f, 10, 2));
        TrainConfig tc = TrainConfig.defaults().with(c -> {
            c.steps = 6; c.batch = 2; c.seqLen = 4096; c.lr = 1e-3; c.warmup = 1; c.weightDecay = 0.01; c.beta1 = 0.8; c.beta2 = 0.99;
            c.clip = 10; c.evalEvery = 3; c.evalBatches = 1; c.checkpointEvery = 3; c.seed = 5; c.attention = "n/a";
        });
        new Trainer(task, tc, out).showProgress(false).run(3, stopAfter);
        return new Run(codec, d);
    }

    @Test
    void aGanRunResumesExactlyAndRefusesACheckpointWithoutItsDiscriminator() throws IOException {
        Path m = CodecTrainingTest.speechManifest(dir);
        Run unbroken = train(m, dir.resolve("a"), Integer.MAX_VALUE);
        assertEquals(6, unbroken.disc().steps());
        String metrics = Files.readString(dir.resolve("a/metrics.jsonl"));
        assertTrue(metrics.contains("\"adv\"") && metrics.contains("\"disc\""), metrics);
        train(m, dir.resolve("b"), 3);
        assertTrue(Files.isRegularFile(dir.resolve("b/checkpoints/step-000003/" + CodecTask.DISCRIMINATOR)));
        Run resumed = train(m, dir.resolve("b"), Integer.MAX_VALUE);
        assertArrayEquals(unbroken.codec().params.values().data().asFloat(), resumed.codec().params.values().data().asFloat(), "codec after resume");
        assertArrayEquals(unbroken.disc().params.values().data().asFloat(), resumed.disc().params.values().data().asFloat(), "discriminator after resume");
        assertArrayEquals(unbroken.disc().params.adamV().data().asFloat(), resumed.disc().params.adamV().data().asFloat(), "its AdamW moments");
        // the codec without its discriminator: a GAN run cannot resume from it
        Files.delete(dir.resolve("a/checkpoints/step-000006/" + CodecTask.DISCRIMINATOR));
        IOException e = assertThrows(IOException.class, () -> train(m, dir.resolve("a"), Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("without a discriminator"), e.getMessage());
    }
}
