package dev.qwenomni.audio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class PitchTrackerTest {
    static final int RATE = 24000;

    /** A voiced-like test signal: ten harmonics with falling amplitudes, F0 following f0(t) (Hz at time t in s). */
    static float[] harmonics(java.util.function.DoubleUnaryOperator f0, int n) {
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int h = 1; h <= 10; h++) s += Math.sin(h * phase) / h;
            x[i] = (float) (0.2 * s);
            phase += 2 * Math.PI * f0.applyAsDouble((double) i / RATE) / RATE;
        }
        return x;
    }

    static PitchTracker.Track track(float[] x) { return new PitchTracker(RATE).track(x); }

    /** Frames whose window lies wholly inside the signal. */
    static int[] interior(PitchTracker.Track t) {
        int margin = 4; // half the 50 ms window, in 10 ms frames, rounded up
        return java.util.stream.IntStream.range(margin, t.frames() - margin).toArray();
    }

    @Test
    void steadyPitchIsFoundToAFewCents() {
        PitchTracker.Track t = track(harmonics(s -> 150, RATE));
        assertEquals(RATE / 240 + 1, t.frames());
        for (int i : interior(t)) {
            assertTrue(t.voiced()[i], "frame " + i + " unvoiced, periodicity " + t.periodicity()[i]);
            assertEquals(0, 1200 * Math.log(t.f0()[i] / 150) / Math.log(2), 5, "frame " + i + ": F0 " + t.f0()[i]);
            assertTrue(t.periodicity()[i] > 0.95, "frame " + i + ": periodicity " + t.periodicity()[i]);
        }
    }

    @Test
    void aGlideIsFollowed() {
        // 100 -> 200 Hz over a second, about 17 cents per 10 ms frame
        PitchTracker.Track t = track(harmonics(s -> 100 * Math.pow(2, s), RATE));
        for (int i : interior(t)) {
            double truth = 100 * Math.pow(2, i * PitchTracker.HOP);
            assertEquals(0, 1200 * Math.log(t.f0()[i] / truth) / Math.log(2), 4, "frame " + i + ": F0 " + t.f0()[i] + ", truth " + truth);
        }
    }

    @Test
    void noiseIsUnvoiced() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[RATE];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.1 * r.nextGaussian());
        PitchTracker.Track t = track(x);
        assertTrue(t.voicedFraction() < 0.05, "voiced fraction of white noise " + t.voicedFraction());
        assertTrue(PitchTracker.median(t.periodicity()) < 0.3, "median periodicity of white noise " + PitchTracker.median(t.periodicity()));
        assertEquals(0, track(new float[RATE]).voicedFraction(), "silence");
    }

    @Test
    void comparisonMeasuresDetuningOctavesAndLostVoicing() {
        PitchTracker.Track ref = track(harmonics(s -> 150, RATE));
        var same = new PitchTracker.Comparison().add(ref, ref);
        assertEquals(0, same.medianAbsCents(), 1e-9);
        assertEquals(0, same.grossErrorRate());
        assertEquals(0, same.voicingLost());
        assertEquals(same.referencePeriodicity(), same.testPeriodicity());

        var detuned = new PitchTracker.Comparison().add(ref, track(harmonics(s -> 150 * Math.pow(2, 30 / 1200.0), RATE)));
        assertEquals(30, detuned.medianAbsCents(), 5);
        assertEquals(0, detuned.grossErrorRate());

        var octave = new PitchTracker.Comparison().add(ref, track(harmonics(s -> 75, RATE)));
        assertEquals(1200, octave.medianAbsCents(), 10);
        assertEquals(1, octave.grossErrorRate());

        SplittableRandom r = new SplittableRandom(5);
        float[] noise = new float[RATE];
        for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.1 * r.nextGaussian());
        var hoarse = new PitchTracker.Comparison().add(ref, track(noise));
        assertTrue(hoarse.voicingLost() > 0.9, "voicing lost to noise " + hoarse.voicingLost());
        assertTrue(hoarse.testPeriodicity() < 0.5 * hoarse.referencePeriodicity(), hoarse.summary());

        // pooling two clips counts both
        var pooled = new PitchTracker.Comparison().addAll(same).addAll(octave);
        assertEquals(same.referenceVoicedFrames() + octave.referenceVoicedFrames(), pooled.referenceVoicedFrames());
        assertEquals((double) octave.bothVoicedFrames() / (same.bothVoicedFrames() + octave.bothVoicedFrames()), pooled.grossErrorRate(), 1e-12);
        assertTrue(pooled.grossErrorRate() > 0.45 && pooled.grossErrorRate() < 0.55, pooled.summary());
    }

    @Test
    void comparisonCountsVoicingAddedWhereTheReferenceIsNoise() {
        SplittableRandom r = new SplittableRandom(8);
        float[] noise = new float[RATE];
        for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.1 * r.nextGaussian());
        PitchTracker.Track hiss = track(noise), vowel = track(harmonics(s -> 150, RATE));
        var voiced = new PitchTracker.Comparison().add(hiss, vowel);
        var kept = new PitchTracker.Comparison().add(hiss, hiss);
        assertTrue(voiced.voicingAdded() > 0.9, voiced.summary());
        assertEquals(0, kept.voicingAdded(), kept.summary());
        assertTrue(voiced.summary().contains("voicing added"), voiced.summary());
        assertEquals(voiced.voicingAdded() / 2, new PitchTracker.Comparison().addAll(voiced).addAll(kept).voicingAdded(), 1e-12);
    }

    @Test
    void voicingCountsSoundingFramesOnly() {
        // half a second of a steady voice, half a second of noise at the same level, a second of silence
        float[] x = new float[2 * RATE];
        System.arraycopy(harmonics(s -> 150, RATE / 2), 0, x, 0, RATE / 2);
        SplittableRandom r = new SplittableRandom(9);
        for (int i = RATE / 2; i < RATE; i++) x[i] = (float) (0.15 * r.nextGaussian());
        var v = new PitchTracker.Voicing().add(track(x));
        assertTrue(v.soundingFrames() > 95 && v.soundingFrames() < 106, "sounding frames " + v.soundingFrames());
        assertEquals(0.5, v.voicedShare(), 0.05);
        var clean = new PitchTracker.Voicing().add(track(harmonics(s -> 150, RATE)));
        assertTrue(clean.voicedShare() > 0.95 && clean.medianPeriodicity() > 0.95, clean.voicedShare() + " " + clean.medianPeriodicity());
        var pooled = new PitchTracker.Voicing().add(track(x)).add(track(harmonics(s -> 150, RATE)));
        assertEquals(v.soundingFrames() + clean.soundingFrames(), pooled.soundingFrames());
    }

    @Test
    void teacherSpeechHasAMalePitch() throws IOException {
        Wav.Audio a = Wav.read(AudioTest.SPEECH.resolve("birch_flite_rms_16k.wav"));
        PitchTracker.Track t = track(Resampler.resample(a.samples(), a.sampleRate(), RATE));
        // flite's rms is a male voice around 100-110 Hz; about half of a read sentence is voiced
        assertTrue(t.medianVoicedF0() > 80 && t.medianVoicedF0() < 140, "median F0 " + t.medianVoicedF0());
        assertTrue(t.voicedFraction() > 0.3 && t.voicedFraction() < 0.9, "voiced fraction " + t.voicedFraction());
    }

    @Test
    void badInputIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PitchTracker(4000));
        assertTrue(e.getMessage().contains("4000"), e.getMessage());
        PitchTracker.Track a = track(new float[RATE]), b = track(new float[RATE / 2]);
        var m = assertThrows(IllegalArgumentException.class, () -> new PitchTracker.Comparison().add(a, b));
        assertTrue(m.getMessage().contains(a.frames() + " frames") && m.getMessage().contains(b.frames() + " frames"), m.getMessage());
        assertEquals(0, track(new float[0]).frames());
    }
}
