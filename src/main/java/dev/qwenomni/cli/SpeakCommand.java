package dev.qwenomni.cli;

import dev.qwenomni.audio.Wav;
import dev.qwenomni.audio.WavStreamWriter;
import dev.qwenomni.model.DecodeAttention;
import dev.qwenomni.model.SamplingConfig;
import dev.qwenomni.tts.BestOf;
import dev.qwenomni.tts.RecogniserJudge;
import dev.qwenomni.tts.Synthesizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Text in, 24 kHz WAV out, from the committed (or any) TTS and codec checkpoints. */
@Command(name = "speak", mixinStandardHelpOptions = true,
        description = "Synthesise speech: text (argument, --file, or stdin) -> WAV. Long text is split at sentence ends.")
public final class SpeakCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", description = "the text (default: --file, else standard input)") String text;
    @Option(names = "--file", description = "read the text from this file") Path file;
    @Option(names = {"-o", "--out"}, defaultValue = "speech.wav", description = "output WAV (default ${DEFAULT-VALUE})") Path out;
    @Option(names = "--model", defaultValue = DataPaths.TTS, description = "TTS LM checkpoint (default ${DEFAULT-VALUE})") Path model;
    @Option(names = "--codec", defaultValue = DataPaths.CODEC, description = "codec checkpoint (default ${DEFAULT-VALUE})") Path codec;
    @Option(names = "--voice", description = "voice (default: the checkpoint's)") String voice;
    @Option(names = "--stream", description = "write audio as frames are generated (sentences one after another)") boolean stream;
    @Option(names = "--temperature", defaultValue = SamplingConfig.SPEECH_TEMPERATURE, description = "sampling temperature (default ${DEFAULT-VALUE})") double temperature;
    @Option(names = "--top-k", defaultValue = "0") int topK;
    @Option(names = "--top-p", defaultValue = "0.9") double topP;
    @Option(names = "--repetition-penalty", defaultValue = "1.1") double repetitionPenalty;
    @Option(names = "--repetition-window", defaultValue = "0", description = "tokens the penalty looks back over (0 = all)") int repetitionWindow;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--decode-attention", defaultValue = "scan", description = "decode kernel: scan or gemm") String decodeAttention;
    @Option(names = "--cache", defaultValue = DataPaths.CACHE, description = "phoneme cache folder") Path cache;
    @Option(names = "--candidates", defaultValue = "1", description = "renderings sampled per sentence, of which --judge keeps one "
            + "(candidate j uses seed + j * sentences + i, so candidate 0 is the single sample; default ${DEFAULT-VALUE})") int candidates;
    @Option(names = "--judge", defaultValue = "likelihood", description = "how the best candidate is chosen: likelihood (the LM's own mean "
            + "log-probability) or recogniser (pocketsphinx's character error rate against the text, general LM; default ${DEFAULT-VALUE})")
    String judge;
    /**
     * Direct by default: OpenBLAS picks its sgemm kernel by the matrix shape, so with the gemm kernel a streaming window
     * (narrower than the whole clip) rounds some sums differently, and with the committed codec that flipped 71 of
     * 140 k 16-bit samples by one step. The direct loops give the same bits in any window; the decode costs about 5x
     * more (real-time factor 0.19 against 0.04 for the default codec; README, "Text to speech").
     */
    @Option(names = "--conv-kernel", defaultValue = "direct", description = "the codec's dense conv kernel: direct (streamed audio "
            + "equals the one-shot audio bit for bit) or gemm (faster decode; a streamed sample may differ by one step)")
    String convKernel;

    /** Silence between sentences. */
    static final double GAP_SECONDS = 0.2;

    @Override
    public Integer call() throws Exception {
        String input = text != null ? text : file != null ? Files.readString(file, StandardCharsets.UTF_8)
                : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        List<String> sentences = sentences(input);
        if (sentences.isEmpty()) throw new IllegalArgumentException("no text to speak");
        if (candidates < 1) throw new IllegalArgumentException("--candidates must be at least 1, not " + candidates);
        if (stream && candidates > 1)
            throw new IllegalArgumentException("--stream plays each frame as it is sampled, so it cannot wait to choose among --candidates " + candidates);
        checkJudge(judge);
        Synthesizer s = Synthesizer.load(model, codec, DecodeAttention.Kind.parse(decodeAttention), cache.resolve("phonemes"));
        s.codec.useConvKernel(dev.qwenomni.nn.ConvKernel.parse(convKernel));
        SamplingConfig sampling = new SamplingConfig(temperature, topK, topP, repetitionPenalty, repetitionWindow, seed);
        BestOf.Judge chooser = candidates > 1 ? judge(judge, s.sampleRate()) : BestOf.LIKELIHOOD;
        int rate = s.sampleRate();
        float[] gap = new float[(int) (GAP_SECONDS * rate)];
        long t0 = System.nanoTime();
        double firstAudio = Double.NaN;
        long samples = 0;
        int unfinished = 0;
        if (stream) {
            try (WavStreamWriter w = new WavStreamWriter(out, rate)) {
                for (int i = 0; i < sentences.size(); i++) {
                    if (i > 0) w.append(gap);
                    double before = (System.nanoTime() - t0) / 1e9;
                    // each sentence alone, seeded as in a batch (seed + its index), so streamed = one-shot
                    Synthesizer.Result r = s.synthesize(List.of(sentences.get(i)), voice, sampling.withSeed(seed + i),
                            (k, chunk) -> w.append(chunk)).get(0);
                    if (i == 0) firstAudio = before + r.firstAudioSeconds();
                    if (!r.stopped()) unfinished++;
                }
                samples = w.samples();
            }
        } else {
            BestOf.Picked picked = BestOf.synthesize(s, sentences, voice, sampling, candidates, chooser);
            List<Synthesizer.Result> rs = picked.results();
            if (candidates > 1)
                for (int i = 0; i < rs.size(); i++) System.out.printf(Locale.ROOT, "sentence %d: %s%n", i + 1, picked.summary(i));
            List<float[]> parts = new ArrayList<>();
            for (int i = 0; i < rs.size(); i++) {
                if (i > 0) parts.add(gap);
                parts.add(rs.get(i).audio());
                if (!rs.get(i).stopped()) unfinished++;
            }
            float[] all = concat(parts);
            Wav.write(out, all, rate);
            samples = all.length;
            firstAudio = (System.nanoTime() - t0) / 1e9;
        }
        double wall = (System.nanoTime() - t0) / 1e9, seconds = samples / (double) rate;
        System.out.printf(Locale.ROOT, "%s: %.2f s of audio, %d sentence(s), %.2f s to generate (real-time factor %.2f), time to first audio %.2f s%s%n",
                out, seconds, sentences.size(), wall, wall / Math.max(seconds, 1e-9), firstAudio,
                unfinished > 0 ? "; " + unfinished + " sentence(s) hit the length cap without end_of_speech" : "");
        return 0;
    }

    /** Refuses an unknown --judge before any model loads. */
    static void checkJudge(String name) {
        if (!name.equals("likelihood") && !name.equals("recogniser"))
            throw new IllegalArgumentException("--judge must be likelihood or recogniser, not '" + name + "'");
    }

    /** The named judge. The recogniser (installed when missing) works in a temporary folder it deletes. */
    static BestOf.Judge judge(String name, int sampleRate) {
        checkJudge(name);
        return name.equals("likelihood") ? BestOf.LIKELIHOOD : new RecogniserJudge(dev.qwenomni.asr.Recognizer.openGeneral(2),
                "general en-us", sampleRate, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Sentences: split after . ! ? followed by whitespace; blank pieces dropped. */
    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.strip().split("(?<=[.!?])\\s+")) if (!s.isBlank()) out.add(s.strip().replaceAll("\\s+", " "));
        return out;
    }

    static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) { System.arraycopy(p, 0, all, at, p.length); at += p.length; }
        return all;
    }
}
