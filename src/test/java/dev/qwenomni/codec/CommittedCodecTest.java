package dev.qwenomni.codec;

import dev.qwenomni.audio.PitchTracker;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.SpectralLoss;
import dev.qwenomni.audio.Wav;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed codec (checkpoints/codec) loads and resynthesises held-out speech closely. */
class CommittedCodecTest {
    static final Path DIR = Path.of("checkpoints/codec"), VOICED = Path.of("checkpoints/codec-voiced"),
            GROWN = Path.of("checkpoints/codec-4096");

    static float[] birch(int rate) throws IOException {
        Wav.Audio a = Wav.read(Path.of("src/test/resources/speech/birch_flite_rms_16k.wav"));
        return Resampler.resample(a.samples(), a.sampleRate(), rate);
    }

    /**
     * The voiced decoder (trained on with --periodicity-weight) keeps the committed codec's encoder and quantizers
     * value for value, so it reads the same codes and the committed TTS model speaks through it; and it renders the
     * held-out birch clip's voiced frames more periodically than the committed decoder, at a close mel distance.
     */
    @Test
    void theVoicedDecoderSharesTheCodesAndRendersTheVoiceMorePeriodically() throws IOException {
        dev.qwenomni.Requires.that(Files.isRegularFile(DIR.resolve("model.safetensors")) && Files.isRegularFile(VOICED.resolve("model.safetensors")),
                "no committed codecs");
        SnacCodec committed = CodecCheckpoint.load(DIR), voiced = CodecCheckpoint.load(VOICED);
        int shared = 0;
        for (var p : committed.params.params()) {
            if (p.name.startsWith("decoder.")) continue;
            var q = voiced.params.get(p.name);
            for (long k = 0; k < p.size; k++)
                assertEquals(dev.qwenomni.tensor.Kernels.get(p.v, k), dev.qwenomni.tensor.Kernels.get(q.v, k), p.name);
            shared++;
        }
        assertTrue(shared > 100, "encoder and quantizer tensors compared: " + shared);
        float[] x = committed.preprocess(birch(committed.config.samplingRate()));
        var codes = committed.encode(x);
        float[] yc = committed.decode(codes, NoiseSource.OFF), yv = voiced.decode(codes, NoiseSource.OFF);
        PitchTracker tracker = new PitchTracker(committed.config.samplingRate());
        PitchTracker.Track ref = tracker.track(x);
        double pc = new PitchTracker.Comparison().add(ref, tracker.track(yc)).testPeriodicity();
        double pv = new PitchTracker.Comparison().add(ref, tracker.track(yv)).testPeriodicity();
        assertTrue(pv > pc + 0.05, "periodicity over the original's voiced frames: voiced decoder " + pv + ", committed " + pc);
        SpectralLoss loss = new SpectralLoss(committed.config.samplingRate());
        double mc = loss.compute(yc, x, null, 0, 0).mel(), mv = loss.compute(yv, x, null, 0, 0).mel();
        assertTrue(mv < mc + 0.03, "log-mel L1: voiced decoder " + mv + ", committed " + mc);
    }

    @Test
    void committedCodecResynthesisesATeacherClip() throws IOException {
        dev.qwenomni.Requires.that(Files.isRegularFile(DIR.resolve("model.safetensors")), "no committed codec");
        SnacCodec trained = CodecCheckpoint.load(DIR);
        SnacCodec fresh = new SnacCodec(trained.config);
        fresh.initialize(1);
        // a clip the codec never trained on: the speech data comes from the corpus, not this sentence's recording
        float[] x = birch(trained.config.samplingRate());
        double melTrained = melL1(trained, x), melFresh = melL1(fresh, x);
        // held-out log-mel L1 of the committed step was 0.13-0.14; an untrained codec scores about 1 or more
        assertTrue(melTrained < 0.25, "log-mel L1 of the resynthesis " + melTrained);
        assertTrue(melFresh > 3 * melTrained, "untrained " + melFresh + " vs trained " + melTrained);
    }

    /**
     * The 4096-code codec (the recogniser-feature round grown with `codec grow`) has four times the codes at every
     * level, picks the grown ones for much of a held-out clip, and resynthesises it closely.
     */
    @Test
    void theGrownCodecUsesItsNewCodesAndResynthesisesATeacherClip() throws IOException {
        dev.qwenomni.Requires.that(Files.isRegularFile(GROWN.resolve("model.safetensors")), "no committed 4096-code codec");
        SnacCodec grown = CodecCheckpoint.load(GROWN);
        assertEquals(4096, grown.config.codebookSize());
        float[] x = birch(grown.config.samplingRate());
        int[][] codes = grown.encode(grown.preprocess(x));
        for (int l = 0; l < codes.length; l++) {
            long grownPicks = java.util.Arrays.stream(codes[l]).filter(c -> c >= 1024).count();
            // growth seeded 3072 new codes per level from the training encodings; they took 64-71% of its picks there
            assertTrue(grownPicks > codes[l].length / 4, "level " + l + ": " + grownPicks + " of " + codes[l].length + " picks are grown codes");
        }
        double mel = melL1(grown, x);
        assertTrue(mel < 0.25, "log-mel L1 of the resynthesis " + mel);
    }

    private static double melL1(SnacCodec c, float[] x) {
        float[] padded = c.preprocess(x);
        float[] y = c.decode(c.encode(padded), NoiseSource.OFF);
        return new SpectralLoss(c.config.samplingRate()).compute(y, padded, null, 0, 0).mel();
    }
}
