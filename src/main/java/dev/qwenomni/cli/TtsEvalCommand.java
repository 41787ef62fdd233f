package dev.qwenomni.cli;

import dev.qwenomni.asr.ErrorRate;
import dev.qwenomni.asr.Recognizer;
import dev.qwenomni.audio.MelCepstrum;
import dev.qwenomni.audio.PitchTracker;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.SpectrogramImage;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.codec.NoiseSource;
import dev.qwenomni.sys.AtomicFiles;
import dev.qwenomni.model.DecodeAttention;
import dev.qwenomni.model.SamplingConfig;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.tts.BestOf;
import dev.qwenomni.tts.RecogniserJudge;
import dev.qwenomni.tts.Synthesizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Held-out evaluation: synthesises the test sentences (never trained on) of one voice and
 * compares with the teacher's audio of the same sentences: recogniser WER of both, mel-cepstral
 * distortion with DTW, voicing (a hoarse voice has fewer voiced frames), real-time factor and length ratio; writes report.md with a few WAV pairs
 * and spectrograms. With --sentences it scores sentences of one's own instead, which the teacher
 * renders on the spot, with the recogniser's general language model.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Synthesise held-out test sentences and score them against the teacher (WER, MCD, RTF); writes a Markdown report.")
final class TtsEvalCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = DataPaths.TTS) Path model;
    @Option(names = "--codec", defaultValue = DataPaths.CODEC) Path codec;
    @Option(names = "--manifest", defaultValue = DataPaths.CACHE + "/speech-rms20/manifest.jsonl", description = "held-out clips of the teacher (default ${DEFAULT-VALUE})") Path manifest;
    @Option(names = "--voice", description = "voice (default: the checkpoint's)") String voice;
    @Option(names = "--limit", defaultValue = "0", description = "first N test sentences of the voice, or lines of --sentences (0 = all)") int limit;
    @Option(names = "--batch", defaultValue = "8", description = "sentences generated together") int batch;
    @Option(names = "--out", defaultValue = "runs/tts-eval", description = "report folder (default ${DEFAULT-VALUE})") Path out;
    @Option(names = "--examples", defaultValue = "4", description = "WAV pairs and spectrograms in the report") int examples;
    @Option(names = "--temperature", defaultValue = SamplingConfig.SPEECH_TEMPERATURE, description = "sampling temperature (default ${DEFAULT-VALUE})") double temperature;
    @Option(names = "--top-p", defaultValue = "0.9") double topP;
    @Option(names = "--repetition-penalty", defaultValue = "1.1") double repetitionPenalty;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--corpus", defaultValue = DataPaths.CORPUS) Path kjv;
    @Option(names = "--test-list", defaultValue = DataPaths.TEST_LIST) Path testList;
    @Option(names = "--cache", defaultValue = DataPaths.CACHE) Path cache;
    @Option(names = "--jobs", defaultValue = "2") int jobs;
    @Option(names = "--sentences", description = "score these sentences (a text file, one per line) instead of the held-out test clips: "
            + "the teacher renders them here, and the recogniser uses its general en-us language model, since the corpus model "
            + "knows only the corpus (e.g. data/eval/harvard-1-5.txt)") Path sentences;

    @Option(names = "--candidates", defaultValue = "1", description = "renderings sampled per sentence, of which --judge keeps one (default ${DEFAULT-VALUE})")
    int candidates;
    @Option(names = "--judge", defaultValue = "likelihood", description = "likelihood or recogniser (pocketsphinx with its general LM; "
            + "the WER reported then is not independent of the choice; default ${DEFAULT-VALUE})") String judge;

    /** A sentence to synthesise, and the teacher's rendering of it. */
    private record Item(String text, Path teacherWav) {}

    @Override
    public Integer call() throws Exception {
        if (sentences == null && !Files.isRegularFile(manifest))
            throw new IllegalArgumentException(manifest + " not found: build the speech data first (./omni data build)");
        List<String> given = sentences != null ? readSentences(sentences) : null; // checked before the model loads
        if (candidates < 1) throw new IllegalArgumentException("--candidates must be at least 1, not " + candidates);
        SpeakCommand.checkJudge(judge);
        Synthesizer s = Synthesizer.load(model, codec, DecodeAttention.Kind.SCAN, cache.resolve("phonemes"));
        String v = voice != null ? voice : s.config.defaultVoice();
        Files.createDirectories(out.resolve("wav"));
        List<Item> test = sentences != null ? rendered(given, v) : heldOut(v);
        SamplingConfig sampling = new SamplingConfig(temperature, 0, topP, repetitionPenalty, 0, seed);
        int rate = s.sampleRate();
        BestOf.Judge chooser = candidates > 1 ? SpeakCommand.judge(judge, rate) : BestOf.LIKELIHOOD;
        // resynth: the teacher's audio through our codec, the ceiling the codec sets on our speech
        List<Path> ours = new ArrayList<>(), teacher = new ArrayList<>(), resynth = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        MelCepstrum mc = new MelCepstrum(rate);
        PitchTracker pitch = new PitchTracker(rate);
        PitchTracker.Voicing vOurs = new PitchTracker.Voicing(), vTeacher = new PitchTracker.Voicing(), vResynth = new PitchTracker.Voicing();
        double mcd = 0, mcdResynth = 0, genSeconds = 0, audioSeconds = 0, lengthRatio = 0, meanLogProb = 0;
        int[] pickedAt = new int[candidates];
        List<String> kept = new ArrayList<>(); // per sentence: which candidate, and its mean log-probability
        int unfinished = 0;
        for (int from = 0; from < test.size(); from += batch) {
            List<Item> part = test.subList(from, Math.min(test.size(), from + batch));
            long t0 = System.nanoTime();
            BestOf.Picked picked = BestOf.synthesize(s, part.stream().map(Item::text).toList(), v, sampling.withSeed(seed + from), candidates, chooser);
            List<Synthesizer.Result> rs = picked.results();
            for (int i = 0; i < part.size(); i++) {
                pickedAt[picked.picks()[i]]++;
                kept.add(picked.picks()[i] + "\t" + String.format(Locale.ROOT, "%.4f", rs.get(i).meanLogProb()));
            }
            genSeconds += (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < part.size(); i++) {
                Item e = part.get(i);
                Synthesizer.Result r = rs.get(i);
                Wav.Audio ref = Wav.read(e.teacherWav());
                float[] x = Resampler.resample(ref.samples(), ref.sampleRate(), rate);
                Path p = out.resolve("wav").resolve(String.format(Locale.ROOT, "%03d_ours.wav", from + i));
                Wav.write(p, r.audio(), rate);
                ours.add(p);
                teacher.add(e.teacherWav());
                texts.add(e.text());
                audioSeconds += r.audio().length / (double) rate;
                lengthRatio += (r.audio().length / (double) Math.max(1, x.length)) / test.size();
                mcd += (r.audio().length == 0 ? Double.NaN : mc.mcd(x, r.audio())) / test.size();
                if (!r.stopped()) unfinished++;
                meanLogProb += r.meanLogProb() / test.size();
                float[] y = java.util.Arrays.copyOf(s.codec.decode(s.codec.encode(s.codec.preprocess(x)), NoiseSource.OFF), x.length);
                Path pc = out.resolve("wav").resolve(String.format(Locale.ROOT, "%03d_codec.wav", from + i));
                Wav.write(pc, y, rate);
                resynth.add(pc);
                mcdResynth += mc.mcd(x, y) / test.size();
                vOurs.add(pitch.track(r.audio()));
                vTeacher.add(pitch.track(x));
                vResynth.add(pitch.track(y));
                if (from + i < examples) {
                    Wav.write(out.resolve("wav").resolve(String.format(Locale.ROOT, "%03d_teacher.wav", from + i)), x, rate);
                    SpectrogramImage.write(out.resolve(String.format(Locale.ROOT, "%03d.png", from + i)), rate, x, r.audio());
                }
            }
        }
        Recognizer rec = sentences != null ? Recognizer.openGeneral(jobs)
                : Recognizer.openCorpus(kjv, testList, manifest.toAbsolutePath().getParent().resolve("asr"), jobs);
        List<String> hypOurs = rec.transcribe(ours, out.resolve("asr-work")), hypTeacher = rec.transcribe(teacher, out.resolve("asr-work")),
                hypResynth = rec.transcribe(resynth, out.resolve("asr-work"));
        ErrorRate.Totals wOurs = ErrorRate.score(texts, hypOurs), wTeacher = ErrorRate.score(texts, hypTeacher),
                wResynth = ErrorRate.score(texts, hypResynth);
        double rtf = genSeconds / Math.max(audioSeconds, 1e-9);
        StringBuilder tsv = new StringBuilder("file\treference\tours\tteacher\tteacher_through_codec\tcandidate\tmean_log_prob\n");
        for (int k = 0; k < texts.size(); k++)
            tsv.append(ours.get(k).getFileName()).append('\t').append(texts.get(k)).append('\t').append(hypOurs.get(k)).append('\t')
                    .append(hypTeacher.get(k)).append('\t').append(hypResynth.get(k)).append('\t').append(kept.get(k)).append('\n');
        AtomicFiles.write(out.resolve("transcripts.tsv"), tsv.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder md = new StringBuilder();
        md.append("# TTS evaluation\n\n");
        md.append(String.format(Locale.ROOT, "Model `%s`, codec `%s`, voice `%s`, %d %s, "
                + "sampling temperature %.2f, top-p %.2f, repetition penalty %.2f, seed %d.%n%n", model, codec, v, texts.size(),
                sentences != null ? "sentences of `" + sentences + "`" : "held-out test sentences (never trained on)",
                temperature, topP, repetitionPenalty, seed));
        if (candidates > 1) {
            md.append(String.format(Locale.ROOT, "Best of %d: each sentence was sampled %d times (in a batch of b sentences drawing from seed s, candidate j of sentence i with s + j * b + i) and %s chose; "
                    + "kept per candidate: %s.%n%n", candidates, candidates, chooser.describe(), java.util.Arrays.toString(pickedAt)));
            if (chooser instanceof RecogniserJudge)
                md.append("**The recogniser chose what it heard best, so the WER and CER of ours below are not independent measures of "
                        + "intelligibility**; MCD, voicing and length are.\n\n");
        }
        md.append("| metric | ours (text -> LM -> codec) | teacher | teacher through our codec |\n|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| WER (pocketsphinx, %s) | %.1f%% | %.1f%% | %.1f%% |%n",
                sentences != null ? "general en-us LM" : "open corpus LM", 100 * wOurs.wer(), 100 * wTeacher.wer(), 100 * wResynth.wer()));
        md.append(String.format(Locale.ROOT, "| CER | %.1f%% | %.1f%% | %.1f%% |%n", 100 * wOurs.cer(), 100 * wTeacher.cer(), 100 * wResynth.cer()));
        md.append(String.format(Locale.ROOT, "| word edits: substitutions, deletions, insertions | %s | %s | %s |%n",
                wOurs.split(), wTeacher.split(), wResynth.split()));
        double[] gapOurs = ErrorRate.gapInterval(texts, hypTeacher, hypOurs, 0.95, 2000, 1),
                gapResynth = ErrorRate.gapInterval(texts, hypTeacher, hypResynth, 0.95, 2000, 1);
        md.append(String.format(Locale.ROOT, "| WER minus the teacher's, 95%% interval (paired bootstrap over sentences) | %+.1f to %+.1f | | %+.1f to %+.1f |%n",
                100 * gapOurs[0], 100 * gapOurs[1], 100 * gapResynth[0], 100 * gapResynth[1]));
        md.append(String.format(Locale.ROOT, "| MCD vs teacher (DTW, dB) | %.2f | 0 | %.2f |%n", mcd, mcdResynth));
        md.append(String.format(Locale.ROOT, "| voiced share / median periodicity of the sounding frames | %.0f%% / %.2f | %.0f%% / %.2f | %.0f%% / %.2f |%n",
                100 * vOurs.voicedShare(), vOurs.medianPeriodicity(), 100 * vTeacher.voicedShare(), vTeacher.medianPeriodicity(),
                100 * vResynth.voicedShare(), vResynth.medianPeriodicity()));
        md.append(String.format(Locale.ROOT, "| length ratio ours/teacher | %.2f | 1 | 1 |%n", lengthRatio));
        md.append(String.format(Locale.ROOT, "| LM mean log-probability per choice (kept renderings) | %.3f | | |%n", meanLogProb));
        md.append(String.format(Locale.ROOT, "| real-time factor (generate%s + decode, batch %d) | %.2f | | |%n",
                candidates > 1 ? " " + candidates + " candidates, judge" : "", batch, rtf));
        md.append(String.format(Locale.ROOT, "| sentences that hit the length cap | %d | | |%n%n", unfinished));
        md.append("## Examples\n\n");
        for (int i = 0; i < Math.min(examples, texts.size()); i++) {
            md.append(String.format(Locale.ROOT, "%d. \"%s\"  %n   ours: [wav](wav/%03d_ours.wav), heard as \"%s\"  %n   teacher: [wav](wav/%03d_teacher.wav), heard as \"%s\"; through our codec: [wav](wav/%03d_codec.wav)  %n   ![spectrograms: teacher above, ours below](%03d.png)%n%n",
                    i + 1, texts.get(i), i, hypOurs.get(i), i, hypTeacher.get(i), i, i));
        }
        AtomicFiles.write(out.resolve("report.md"), md.toString().getBytes(StandardCharsets.UTF_8));
        System.out.print(md);
        System.out.println("report: " + out.resolve("report.md") + "; what the recogniser heard: " + out.resolve("transcripts.tsv"));
        return 0;
    }

    /** The voice's test clips of the manifest (the first --limit). */
    private List<Item> heldOut(String v) throws java.io.IOException {
        List<ManifestEntry> test = ManifestEntry.read(manifest).stream().filter(e -> e.split().equals("test") && e.speaker().equals(v)).toList();
        if (limit > 0 && test.size() > limit) test = test.subList(0, limit);
        if (test.isEmpty()) throw new IllegalArgumentException(manifest + ": no test clips of voice " + v);
        return test.stream().map(e -> new Item(e.text(), e.resolve(manifest))).toList();
    }

    /** Non-blank lines of a text file, each one sentence. */
    static List<String> readSentences(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--sentences " + file + ": no such file");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) throw new IllegalArgumentException("--sentences " + file + ": no sentences (one per line)");
        return lines;
    }

    /** The teacher's renderings of the sentences, written next to ours. */
    private List<Item> rendered(List<String> texts, String v) throws java.io.IOException {
        if (limit > 0 && texts.size() > limit) texts = texts.subList(0, limit);
        var voice = dev.qwenomni.speech.Teachers.voice(v);
        voice.teacher().ensureInstalled();
        List<Wav.Audio> audio = voice.teacher().render(voice.voice(), texts, out.resolve("teacher-work"));
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Path p = out.resolve("wav").resolve(String.format(Locale.ROOT, "%03d_teacher_native.wav", i));
            Wav.write(p, audio.get(i).samples(), audio.get(i).sampleRate());
            items.add(new Item(texts.get(i), p));
        }
        return items;
    }
}
