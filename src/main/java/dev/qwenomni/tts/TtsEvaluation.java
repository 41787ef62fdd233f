package dev.qwenomni.tts;

import dev.qwenomni.asr.ErrorRate;
import dev.qwenomni.asr.Recognizer;
import dev.qwenomni.audio.MelCepstrum;
import dev.qwenomni.audio.PitchTracker;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.SpectrogramImage;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.codec.NoiseSource;
import dev.qwenomni.model.DecodeAttention;
import dev.qwenomni.model.SamplingConfig;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.sys.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Held-out evaluation: synthesises the test sentences (never trained on) of one voice and
 * compares with the teacher's audio of the same sentences: recogniser WER of both, mel-cepstral
 * distortion with DTW, voicing (a hoarse voice has fewer voiced frames), real-time factor and
 * length ratio; writes report.md with a few WAV pairs and spectrograms, and transcripts.tsv.
 * With sentences of one's own, the teacher renders them on the spot and the recogniser uses its
 * general language model.
 */
public final class TtsEvaluation {
    /** The evaluation's settings, by name; the defaults are `omni tts eval`'s. */
    public static final class Options {
        public Path model, codec, manifest, out = Path.of("runs/tts-eval"), corpus, testList, cache;
        /** The voice (null: the checkpoint's). */
        public String voice;
        /** Score these sentences instead of the manifest's held-out clips (null: the clips); sentencesFrom names their file in the report. */
        public List<String> sentences;
        public Path sentencesFrom;
        /** The first N test sentences of the voice, or of sentences (0 = all). */
        public int limit;
        public int batch = 8, examples = 4, jobs = 2, candidates = 1;
        public SamplingConfig sampling = SamplingConfig.SPEECH;
        public BestOf.JudgeKind judge = BestOf.JudgeKind.LIKELIHOOD;
    }

    /** The scores: ours, the teacher's and the teacher's through our codec; and the report's text and files. */
    public record Report(ErrorRate.Totals ours, ErrorRate.Totals teacher, ErrorRate.Totals throughCodec, double mcd, double mcdThroughCodec,
                         double realTimeFactor, String markdown, Path reportFile, Path transcripts) {}

    /** A sentence to synthesise, and the teacher's rendering of it. */
    private record Item(String text, Path teacherWav) {}

    private final Options o;

    public TtsEvaluation(Options o) { this.o = o; }

    /** Refuses bad options before any model loads. */
    private void check() {
        if (o.sentences == null && !Files.isRegularFile(o.manifest))
            throw new IllegalArgumentException(o.manifest + " not found: build the speech data first (./omni data build)");
        if (o.sentences != null && o.sentences.isEmpty()) throw new IllegalArgumentException("no sentences to score");
        if (o.candidates < 1) throw new IllegalArgumentException("--candidates must be at least 1, not " + o.candidates);
    }

    public Report run() throws Exception {
        check();
        Synthesizer s = Synthesizer.load(o.model, o.codec, DecodeAttention.Kind.SCAN, o.cache.resolve("phonemes"));
        String v = o.voice != null ? o.voice : s.config.defaultVoice();
        Path out = o.out;
        int batch = o.batch, candidates = o.candidates, examples = o.examples;
        long seed = o.sampling.seed();
        Files.createDirectories(out.resolve("wav"));
        List<Item> test = o.sentences != null ? rendered(o.sentences, v) : heldOut(v);
        SamplingConfig sampling = o.sampling;
        int rate = s.sampleRate();
        BestOf.Judge chooser = candidates > 1 ? o.judge.judge(rate) : BestOf.LIKELIHOOD;
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
        Recognizer rec = o.sentences != null ? Recognizer.openGeneral(o.jobs)
                : Recognizer.openCorpus(o.corpus, o.testList, o.manifest.toAbsolutePath().getParent().resolve("asr"), o.jobs);
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
                + "sampling temperature %.2f, top-k %d, top-p %.2f, repetition penalty %.2f, seed %d.%n%n", o.model, o.codec, v, texts.size(),
                o.sentences != null ? "sentences of `" + o.sentencesFrom + "`" : "held-out test sentences (never trained on)",
                sampling.temperature(), sampling.topK(), sampling.topP(), sampling.repetitionPenalty(), seed));
        if (candidates > 1) {
            md.append(String.format(Locale.ROOT, "Best of %d: each sentence was sampled %d times (in a batch of b sentences drawing from seed s, candidate j of sentence i with s + j * b + i) and %s chose; "
                    + "kept per candidate: %s.%n%n", candidates, candidates, chooser.describe(), java.util.Arrays.toString(pickedAt)));
            if (chooser instanceof RecogniserJudge)
                md.append("**The recogniser chose what it heard best, so the WER and CER of ours below are not independent measures of "
                        + "intelligibility**; MCD, voicing and length are.\n\n");
        }
        md.append("| metric | ours (text -> LM -> codec) | teacher | teacher through our codec |\n|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| WER (pocketsphinx, %s) | %.1f%% | %.1f%% | %.1f%% |%n",
                o.sentences != null ? "general en-us LM" : "open corpus LM", 100 * wOurs.wer(), 100 * wTeacher.wer(), 100 * wResynth.wer()));
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
        Path report = out.resolve("report.md"), transcripts = out.resolve("transcripts.tsv");
        AtomicFiles.write(report, md.toString().getBytes(StandardCharsets.UTF_8));
        return new Report(wOurs, wTeacher, wResynth, mcd, mcdResynth, rtf, md.toString(), report, transcripts);
    }

    /** The voice's test clips of the manifest (the first limit). */
    private List<Item> heldOut(String v) throws IOException {
        List<ManifestEntry> test = ManifestEntry.read(o.manifest).stream().filter(e -> e.split().equals("test") && e.speaker().equals(v)).toList();
        if (o.limit > 0 && test.size() > o.limit) test = test.subList(0, o.limit);
        if (test.isEmpty()) throw new IllegalArgumentException(o.manifest + ": no test clips of voice " + v);
        return test.stream().map(e -> new Item(e.text(), e.resolve(o.manifest))).toList();
    }

    /** Non-blank lines of a text file, each one sentence. */
    public static List<String> readSentences(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--sentences " + file + ": no such file");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) throw new IllegalArgumentException("--sentences " + file + ": no sentences (one per line)");
        return lines;
    }

    /** The teacher's renderings of the sentences, written next to ours. */
    private List<Item> rendered(List<String> texts, String v) throws IOException {
        if (o.limit > 0 && texts.size() > o.limit) texts = texts.subList(0, o.limit);
        var voice = dev.qwenomni.speech.Teachers.voice(v);
        voice.teacher().ensureInstalled();
        List<Wav.Audio> audio = voice.teacher().render(voice.voice(), texts, o.out.resolve("teacher-work"));
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Path p = o.out.resolve("wav").resolve(String.format(Locale.ROOT, "%03d_teacher_native.wav", i));
            Wav.write(p, audio.get(i).samples(), audio.get(i).sampleRate());
            items.add(new Item(texts.get(i), p));
        }
        return items;
    }
}
