package dev.qwenomni.speech;

import dev.qwenomni.audio.Loudness;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Teacher renderings at 24 kHz, stored by a hash of (text, voice, processing settings), so a
 * re-run renders only what is new. Processing: band-limited resampling to 24 kHz, leading and
 * trailing silence trimmed (frames 45 dB under the loudest, 100 ms kept), active level
 * normalised to -20 dBFS with peaks under -1 dBFS. Files are written atomically.
 */
public final class SpeechCache {
    public static final int RATE = 24000;
    /** Bump when the processing changes, so old renderings are not reused. */
    static final String SETTINGS = "v1 rate=24000 trim=45dB/100ms level=-20dBFS peak=-1dBFS";

    private final Path root;

    public SpeechCache(Path root) { this.root = root; }

    public Path path(String voiceId, String text) {
        String key = hash(voiceId + "\n" + text + "\n" + SETTINGS);
        return root.resolve(key.substring(0, 2)).resolve(key + ".wav");
    }

    public boolean has(String voiceId, String text) { return Files.isRegularFile(path(voiceId, text)); }

    /** Renders the texts not yet cached (one teacher batch) and returns every text's path. */
    public List<Path> render(Teachers.Voice v, List<String> texts, Path workDir) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String t : texts) if (!has(v.id(), t)) missing.add(t);
        if (!missing.isEmpty()) {
            List<Wav.Audio> audio = v.teacher().render(v.voice(), missing, workDir);
            for (int i = 0; i < missing.size(); i++) {
                float[] x = process(audio.get(i));
                if (x.length < RATE / 10) throw new IOException(v.id() + " rendered no speech for: " + missing.get(i));
                Path p = path(v.id(), missing.get(i));
                Files.createDirectories(p.getParent());
                Wav.write(p, x, RATE);
            }
        }
        List<Path> out = new ArrayList<>();
        for (String t : texts) out.add(path(v.id(), t));
        return out;
    }

    static final double TRIM_DB = 45;
    static final int TRIM_MARGIN_MS = 100;

    static float[] process(Wav.Audio a) {
        float[] x = Resampler.resample(a.samples(), a.sampleRate(), RATE);
        x = Loudness.trimSilence(x, RATE, TRIM_DB, TRIM_MARGIN_MS);
        return Loudness.normalize(x, RATE, -20, -1);
    }

    /** Where process(a) starts and ends, in samples of the 24 kHz rendering (to move the teacher's timings onto the clip). */
    static int[] keptRange(Wav.Audio a) {
        return Loudness.trimRange(Resampler.resample(a.samples(), a.sampleRate(), RATE), RATE, TRIM_DB, TRIM_MARGIN_MS);
    }

    static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
