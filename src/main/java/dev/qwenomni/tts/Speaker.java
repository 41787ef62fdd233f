package dev.qwenomni.tts;

import dev.qwenomni.audio.Wav;
import dev.qwenomni.audio.WavStreamWriter;
import dev.qwenomni.data.SpokenText;
import dev.qwenomni.model.SamplingConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text to a WAV file: reads it as a person would ({@link SpokenText}: numbers, dates and symbols
 * spoken, sentences and over-long clauses cut), synthesises the pieces (all in one batch, or one
 * after another while writing, when streaming) and joins them with short silences.
 */
public final class Speaker {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Speaker.class);

    /** What was spoken: audio seconds, sentences, wall time, time to the first audio, sentences cut at the length cap, the best-of-N picks. */
    public record Spoken(Path file, double audioSeconds, int sentences, double seconds, double firstAudioSeconds, int unfinished, List<String> picks) {
        public double realTimeFactor() { return seconds / Math.max(audioSeconds, 1e-9); }
    }

    private final Synthesizer synthesizer;

    public Speaker(Synthesizer synthesizer) { this.synthesizer = synthesizer; }

    /**
     * Speaks the text into out. With stream, each sentence is written as its frames are decoded
     * (seeded as in a batch, seed + its index, so the file equals the one-shot one); otherwise
     * every sentence is sampled candidates times and judge keeps one.
     */
    public Spoken speak(String text, Path out, String voice, SamplingConfig sampling, boolean stream, int candidates, BestOf.Judge judge)
            throws IOException {
        check(stream, candidates);
        SpokenText.Reading reading = SpokenText.read(text);
        if (!reading.dropped().isEmpty())
            log.warn("dropped {} character(s) no voice can say: {}", reading.dropped().size(), String.join(" ", reading.dropped()));
        List<String> sentences = reading.texts();
        int rate = synthesizer.sampleRate();
        long t0 = System.nanoTime();
        double firstAudio = Double.NaN;
        long samples;
        int unfinished = 0;
        List<String> picks = new ArrayList<>();
        if (stream) {
            try (WavStreamWriter w = new WavStreamWriter(out, rate)) {
                for (int i = 0; i < sentences.size(); i++) {
                    if (i > 0) w.append(pause(reading, i - 1, rate));
                    double before = (System.nanoTime() - t0) / 1e9;
                    Synthesizer.Result r = synthesizer.synthesize(List.of(sentences.get(i)), voice, sampling.withSeed(sampling.seed() + i),
                            (k, chunk) -> w.append(chunk)).get(0);
                    if (i == 0) firstAudio = before + r.firstAudioSeconds();
                    if (!r.stopped()) unfinished++;
                }
                samples = w.samples();
            }
        } else {
            BestOf.Picked picked = BestOf.synthesize(synthesizer, sentences, voice, sampling, candidates, judge);
            List<float[]> parts = new ArrayList<>();
            for (int i = 0; i < picked.results().size(); i++) {
                if (i > 0) parts.add(pause(reading, i - 1, rate));
                parts.add(picked.results().get(i).audio());
                if (!picked.results().get(i).stopped()) unfinished++;
                if (candidates > 1) picks.add(picked.summary(i));
            }
            float[] all = concat(parts);
            Wav.write(out, all, rate);
            samples = all.length;
            firstAudio = (System.nanoTime() - t0) / 1e9;
        }
        return new Spoken(out, samples / (double) rate, sentences.size(), (System.nanoTime() - t0) / 1e9, firstAudio, unfinished, picks);
    }

    /** The silence after chunk i: a sentence's end, or a shorter one where a long sentence was cut. */
    private static float[] pause(SpokenText.Reading reading, int i, int rate) {
        return new float[(int) (reading.chunks().get(i).pauseSeconds() * rate)];
    }

    /** Refuses a candidate count below 1, and streaming with more than one candidate (checked before any model loads). */
    public static void check(boolean stream, int candidates) {
        if (candidates < 1) throw new IllegalArgumentException("--candidates must be at least 1, not " + candidates);
        if (stream && candidates > 1)
            throw new IllegalArgumentException("--stream plays each frame as it is sampled, so it cannot wait to choose among --candidates " + candidates);
    }

    /** The arrays one after another. */
    public static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) { System.arraycopy(p, 0, all, at, p.length); at += p.length; }
        return all;
    }
}
