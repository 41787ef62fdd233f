package dev.qwenomni.codec;

import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.SpectralLoss;
import dev.qwenomni.audio.Wav;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The committed codec (checkpoints/codec) loads and resynthesises held-out speech closely. */
class CommittedCodecTest {
    static final Path DIR = Path.of("checkpoints/codec");

    @Test
    void committedCodecResynthesisesATeacherClip() throws IOException {
        assumeTrue(Files.isRegularFile(DIR.resolve("model.safetensors")), "no committed codec");
        SnacCodec trained = CodecCheckpoint.load(DIR);
        SnacCodec fresh = new SnacCodec(trained.config);
        fresh.initialize(1);
        // a clip the codec never trained on: the speech data comes from the corpus, not this sentence's recording
        Wav.Audio a = Wav.read(Path.of("src/test/resources/speech/birch_flite_rms_16k.wav"));
        float[] x = Resampler.resample(a.samples(), a.sampleRate(), trained.config.samplingRate());
        double melTrained = melL1(trained, x), melFresh = melL1(fresh, x);
        // held-out log-mel L1 of the committed step was 0.13-0.14; an untrained codec scores about 1 or more
        assertTrue(melTrained < 0.25, "log-mel L1 of the resynthesis " + melTrained);
        assertTrue(melFresh > 3 * melTrained, "untrained " + melFresh + " vs trained " + melTrained);
    }

    private static double melL1(SnacCodec c, float[] x) {
        c.setNoise(NoiseSource.OFF);
        float[] padded = c.preprocess(x);
        float[] y = c.decode(c.encode(padded));
        return new SpectralLoss(c.config.samplingRate()).compute(y, padded, null, 0, 0).mel();
    }
}
