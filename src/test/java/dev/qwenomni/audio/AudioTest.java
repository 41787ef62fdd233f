package dev.qwenomni.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class AudioTest {
    @TempDir
    Path dir;
    static final Path SPEECH = Path.of("src/test/resources/speech");

    static float[] tone(double hz, int rate, int n, double amp) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (amp * Math.sin(2 * Math.PI * hz * i / rate));
        return x;
    }

    /** Amplitude of the component at hz (least squares against sin and cos), over the middle half. */
    static double amplitudeAt(float[] x, double hz, int rate) {
        double s = 0, c = 0;
        int a = x.length / 4, b = 3 * x.length / 4;
        for (int i = a; i < b; i++) {
            s += x[i] * Math.sin(2 * Math.PI * hz * i / rate);
            c += x[i] * Math.cos(2 * Math.PI * hz * i / rate);
        }
        return 2 * Math.hypot(s, c) / (b - a);
    }

    @Test
    void wavRoundTripAndFormats() throws IOException {
        float[] x = tone(440, 24000, 2400, 0.5);
        Path f = dir.resolve("t.wav");
        Wav.write(f, x, 24000);
        Wav.Audio a = Wav.read(f);
        assertEquals(24000, a.sampleRate());
        assertEquals(x.length, a.samples().length);
        for (int i = 0; i < x.length; i++) assertEquals(x[i], a.samples()[i], 1.0 / 32767);

        // 24-bit stereo PCM and 32-bit float mono, hand-made
        ByteBuffer b = header(1, 2, 8000, 24, 2 * 3 * 2);
        putInt24(b, 4194304); putInt24(b, -4194304);   // +0.5, -0.5 -> mean 0
        putInt24(b, 4194304); putInt24(b, 4194304);    // +0.5, +0.5 -> 0.5
        Files.write(dir.resolve("s24.wav"), b.array());
        Wav.Audio s = Wav.read(dir.resolve("s24.wav"));
        assertArrayEquals(new float[]{0f, 0.5f}, s.samples(), 1e-6f);
        ByteBuffer fl = header(3, 1, 16000, 32, 8);
        fl.putFloat(0.25f).putFloat(-1f);
        Files.write(dir.resolve("f32.wav"), fl.array());
        assertArrayEquals(new float[]{0.25f, -1f}, Wav.read(dir.resolve("f32.wav")).samples());
    }

    @Test
    void badWavFilesNameTheProblem() throws IOException {
        Path f = dir.resolve("bad.wav");
        Files.write(f, "RIFF0000WAVEjunk".getBytes());
        IOException e = assertThrows(IOException.class, () -> Wav.read(f));
        assertTrue(e.getMessage().contains("bad.wav") && e.getMessage().contains("fmt"), e.getMessage());
        ByteBuffer b = header(2, 1, 8000, 4, 4); // ADPCM
        Files.write(f, b.array());
        e = assertThrows(IOException.class, () -> Wav.read(f));
        assertTrue(e.getMessage().contains("format tag 2"), e.getMessage());
        Files.write(f, new byte[]{1, 2, 3});
        assertTrue(assertThrows(IOException.class, () -> Wav.read(f)).getMessage().contains("not a RIFF"));
    }

    private static ByteBuffer header(int format, int channels, int rate, int bits, int dataLen) {
        ByteBuffer b = ByteBuffer.allocate(44 + dataLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + dataLen).putInt(0x45564157).putInt(0x20746d66).putInt(16)
                .putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits).putInt(0x61746164).putInt(dataLen);
        return b;
    }

    private static void putInt24(ByteBuffer b, int v) {
        b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
    }

    @Test
    void resamplerKeepsTonesAndRemovesAliases() {
        // 1 kHz at 16 kHz -> 24 kHz: same frequency, same amplitude
        float[] up = Resampler.resample(tone(1000, 16000, 16000, 0.5), 16000, 24000);
        assertEquals(24000, up.length);
        assertEquals(0.5, amplitudeAt(up, 1000, 24000), 0.005);
        // 5 kHz at 48 kHz -> 24 kHz: passes; 15 kHz is above the new Nyquist (12 kHz) and must not
        // fold back to 9 kHz
        float[] pass = Resampler.resample(tone(5000, 48000, 48000, 0.5), 48000, 24000);
        assertEquals(0.5, amplitudeAt(pass, 5000, 24000), 0.005);
        float[] alias = Resampler.resample(tone(15000, 48000, 48000, 0.5), 48000, 24000);
        assertTrue(amplitudeAt(alias, 9000, 24000) < 0.5 * 1e-3, "alias at 9 kHz: " + amplitudeAt(alias, 9000, 24000));
        // 22.05 kHz -> 24 kHz (a 160/147 ratio) keeps a 3 kHz tone; DC stays DC
        float[] odd = Resampler.resample(tone(3000, 22050, 22050, 0.3), 22050, 24000);
        assertEquals(0.3, amplitudeAt(odd, 3000, 24000), 0.005);
        float[] dc = new float[1000];
        java.util.Arrays.fill(dc, 0.25f);
        float[] dcr = Resampler.resample(dc, 32000, 24000);
        assertEquals(0.25, dcr[dcr.length / 2], 1e-5);
    }

    @Test
    void trimAndLevel() throws IOException {
        float[] speech = Wav.read(SPEECH.resolve("birch_flite_rms_16k.wav")).samples();
        float[] padded = new float[speech.length + 32000];
        System.arraycopy(speech, 0, padded, 16000, speech.length);
        float[] t = Loudness.trimSilence(padded, 16000, 45, 100);
        assertTrue(t.length < speech.length + 2 * 1600 + 320 && t.length > speech.length / 2, "trimmed to " + t.length);
        float[] n = Loudness.normalize(t, 16000, -20, -1);
        assertEquals(-20, Loudness.activeRmsDb(n, 16000), 0.5);
        float peak = 0;
        for (float v : n) peak = Math.max(peak, Math.abs(v));
        assertTrue(peak <= Math.pow(10, -1 / 20.0) + 1e-6);
    }

    @Test
    void melCepstralDistortion() throws IOException {
        MelCepstrum mc = new MelCepstrum(16000);
        float[] rms = Wav.read(SPEECH.resolve("birch_flite_rms_16k.wav")).samples();
        float[] slt = Wav.read(SPEECH.resolve("birch_festival_slt_16k.wav")).samples();
        assertEquals(0.0, mc.mcd(rms, rms), 1e-9);
        double same = mc.mcd(rms, slt);
        float[] quieter = rms.clone();
        for (int i = 0; i < quieter.length; i++) quieter[i] *= 0.5f;
        // c0 (energy) is left out, so a gain change moves MCD far less than another voice does
        double gain = mc.mcd(rms, quieter);
        assertTrue(same > 3 && gain < same / 3, "other voice " + same + " dB, gain change " + gain + " dB");
    }
}
