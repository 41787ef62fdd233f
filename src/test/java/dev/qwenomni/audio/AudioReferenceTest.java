package dev.qwenomni.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The log-mel and log-STFT distances (the codec's objective and its reported mel L1) and the
 * mel-cepstral distortion (every MCD the docs quote) against a float64 numpy transcription of
 * their definitions, whose mel filters and STFT were checked against librosa's when it was made
 * (scripts/fixtures/audio_reference.py). Both sides compute in double from the same float32
 * samples, so they agree to rounding: 1e-9 relative is asked.
 */
class AudioReferenceTest {
    static final double REL = 1e-9;

    static JsonNode reference() throws Exception {
        return new ObjectMapper().readTree(Path.of("src/test/resources/fixtures/audio_reference.json").toFile());
    }

    static float[] samples(JsonNode a) {
        float[] x = new float[a.size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) a.get(i).asDouble();
        return x;
    }

    static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, REL * Math.abs(expected), what + ": numpy " + expected + ", ours " + actual);
    }

    @Test
    void logMelAndLogStftDistancesMatchTheNumpyReference() throws Exception {
        JsonNode r = reference();
        float[] pred = samples(r.get("pred")), target = samples(r.get("target"));
        SpectralLoss loss = new SpectralLoss(r.get("rate").asInt());
        SpectralLoss.Value v = loss.compute(pred, target, null, 0, 0);
        close(r.get("log_mel_l1").asDouble(), v.mel(), "multi-scale log-mel L1");
        close(r.get("log_stft_l1").asDouble(), v.stft(), "multi-resolution log-STFT L1");
        close(r.get("log_mel_l1").asDouble(), loss.mel(pred, target), "SpectralLoss.mel");
    }

    @Test
    void melCepstralDistortionMatchesTheNumpyReference() throws Exception {
        JsonNode r = reference();
        float[] pred = samples(r.get("pred")), target = samples(r.get("target"));
        MelCepstrum mc = new MelCepstrum(r.get("rate").asInt());
        close(r.get("mcd_db").asDouble(), mc.mcd(pred, target), "MCD, same length");
        // a prediction at another tempo: the DTW path is not the diagonal
        float[] stretched = new float[5000];
        for (int i = 0; i < stretched.length; i++) stretched[i] = pred[(i / 2) * 2];
        close(r.get("mcd_db_time_stretched").asDouble(), mc.mcd(stretched, target), "MCD, time-stretched, DTW-aligned");
    }
}
