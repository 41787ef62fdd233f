package dev.qwenomni.codec;

import dev.qwenomni.asr.ErrorRate;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reconstruction metrics of a codec on held-out clips (a manifest split) or a folder of WAVs:
 * multi-scale log-mel L1, MCD (DTW-aligned), SI-SDR, the recogniser's feature distance, pitch and
 * periodicity, codebook usage; with the manifest's texts, the recogniser's WER of the originals and
 * the resyntheses (overall, per voice, and for band hybrids), and optionally against another codec.
 * The report is text, line by line, as `omni codec eval` prints it.
 */
public final class CodecEvaluation {
    /** The evaluation's settings, by name; the defaults are `omni codec eval`'s. */
    public static final class Options {
        public Path codec, folder, manifest, out, kjv, testList, against;
        public String split = "test", speaker, codeChoice = "cosine";
        public boolean wer, unquantized;
        public int jobs = 2, limit;
        public Long noiseSeed;
        public Integer candidates;
        public double[] bandSplits;
    }

    /** The headline numbers and the whole report; the WER fields are NaN without the recogniser. */
    public record Report(int clips, double seconds, double logMelL1, double mcd, double siSdr, double werOriginal, double werResynthesis,
                         double[] werGapInterval, String text) {}

    private final Options o;
    private final StringBuilder text = new StringBuilder();
    private double werOriginal = Double.NaN, werResynthesis = Double.NaN;
    private double[] gap = {Double.NaN, Double.NaN};

    public CodecEvaluation(Options o) { this.o = o; }

    private void say(String format, Object... args) { text.append(String.format(Locale.ROOT, format, args)); }

    private void line(String s) { text.append(s).append(System.lineSeparator()); }

    public Report run() throws Exception {
        double[] headline = null;
        SnacCodec c = CodecCheckpoint.load(o.codec);
        NoiseSource noise = o.noiseSeed == null ? NoiseSource.OFF : NoiseSource.seeded(o.noiseSeed);
        c.setCodeChoice(switch (o.codeChoice) {
            case "cosine", "search" -> VectorQuantizer.CodeChoice.COSINE;
            case "euclidean" -> VectorQuantizer.CodeChoice.EUCLIDEAN;
            default -> throw new IllegalArgumentException("--code-choice is cosine, euclidean or search, not '" + o.codeChoice + "'");
        });
        if (o.candidates != null && !o.codeChoice.equals("search"))
            throw new IllegalArgumentException("--candidates is for --code-choice search, not " + o.codeChoice);
        CodeSearch search = o.codeChoice.equals("search")
                ? new CodeSearch(c, o.candidates == null ? 4 : o.candidates, noise) : null;
        if (search != null && o.unquantized) throw new IllegalArgumentException("--unquantized decodes no codes: drop --code-choice search");
        List<Path> wavs = new java.util.ArrayList<>();
        List<String> texts = new java.util.ArrayList<>();
        List<String> speakers = new java.util.ArrayList<>();
        if (o.manifest != null) {
            for (var e : dev.qwenomni.speech.ManifestEntry.read(o.manifest))
                if (e.split().equals(o.split) && (o.speaker == null || e.speaker().equals(o.speaker))) {
                    wavs.add(e.resolve(o.manifest));
                    texts.add(e.text());
                    speakers.add(e.speaker());
                }
            if (wavs.isEmpty())
                throw new IllegalArgumentException(o.manifest + ": no clips in split '" + o.split + "'" + (o.speaker == null ? "" : " for speaker '" + o.speaker + "'"));
        } else if (o.folder != null) {
            if (o.wer) throw new IllegalArgumentException("--wer needs --manifest (the reference texts)");
            try (var s = java.nio.file.Files.walk(o.folder)) {
                wavs.addAll(s.filter(p -> p.toString().endsWith(".wav")).sorted().toList());
            }
            if (wavs.isEmpty()) throw new IllegalArgumentException(o.folder + ": no .wav files");
        } else {
            throw new IllegalArgumentException("give a folder of WAVs or --manifest");
        }
        if (o.bandSplits != null && !o.wer) throw new IllegalArgumentException("--band-split needs --wer");
        if (o.against != null && !o.wer) throw new IllegalArgumentException("--against needs --wer");
        SnacCodec other = o.against == null ? null : CodecCheckpoint.load(o.against);
        if (other != null && other.config.samplingRate() != c.config.samplingRate())
            throw new IllegalArgumentException("--against " + o.against + " runs at " + other.config.samplingRate() + " Hz, " + o.codec + " at "
                    + c.config.samplingRate() + " Hz: compare codecs of one rate");
        if (o.limit > 0) {
            wavs = spread(wavs, o.limit);
            texts = spread(texts, o.limit);
            speakers = spread(speakers, o.limit);
        }
        Path dir = o.out != null ? java.nio.file.Files.createDirectories(o.out) : java.nio.file.Files.createTempDirectory("codec-eval");
        try {
            dev.qwenomni.audio.SpectralLoss spectral = new dev.qwenomni.audio.SpectralLoss(c.config.samplingRate());
            long[][] usage = new long[c.config.vqStrides().length][c.config.codebookSize()];
            double sisdr = 0, seconds = 0;
            double[] clipMel = new double[wavs.size()], clipMcd = new double[wavs.size()], clipRec = new double[wavs.size()];
            var cepstra = new dev.qwenomni.audio.MelCepstrum(c.config.samplingRate());
            // the recogniser's own feature distance, on the 16 kHz copies it hears, with CMN over the whole clip
            var frontEnd = dev.qwenomni.audio.SphinxFrontEnd.installedIfReadable();
            var recogniser = frontEnd == null ? null : new dev.qwenomni.audio.RecogniserFeatureLoss(16000, frontEnd);
            var pitch = new dev.qwenomni.audio.PitchTracker(c.config.samplingRate());
            var clipPitch = new java.util.ArrayList<dev.qwenomni.audio.PitchTracker.Comparison>();
            List<Path> resynth = new java.util.ArrayList<>(), otherResynth = new java.util.ArrayList<>();
            double otherMel = 0;
            int splits = o.bandSplits == null ? 0 : o.bandSplits.length;
            // per cut: [0] the original's low band with the resynthesis's high band, [1] the other way round
            List<List<List<Path>>> hybrids = new java.util.ArrayList<>();
            for (int s = 0; s < splits; s++) hybrids.add(List.of(new java.util.ArrayList<>(), new java.util.ArrayList<>()));
            double wall = 0; // encode + decode only
            for (int i = 0; i < wavs.size(); i++) {
                Wav.Audio a = Wav.read(wavs.get(i));
                float[] raw = Resampler.resample(a.samples(), a.sampleRate(), c.config.samplingRate());
                float[] x = c.preprocess(raw);
                long t0 = System.nanoTime();
                int[][] codes = search != null ? search.encode(x) : c.encode(x);
                float[] y = o.unquantized ? c.reconstructUnquantized(x, noise) : c.decode(codes, noise);
                wall += (System.nanoTime() - t0) / 1e9;
                for (int l = 0; l < codes.length; l++) for (int k : codes[l]) usage[l][k]++;
                clipMel[i] = spectral.compute(y, x, null, 0, 0).mel();
                sisdr += siSdr(x, y) / wavs.size();
                seconds += raw.length / (double) c.config.samplingRate();
                Path r = dir.resolve(String.format(Locale.ROOT, "%04d_%s", i, wavs.get(i).getFileName()));
                float[] yRaw = Arrays.copyOf(y, raw.length);
                clipPitch.add(new dev.qwenomni.audio.PitchTracker.Comparison().add(pitch.track(raw), pitch.track(yRaw)));
                clipMcd[i] = cepstra.mcd(raw, yRaw);
                if (recogniser != null)
                    clipRec[i] = recogniser.compute(Resampler.resample(yRaw, c.config.samplingRate(), 16000),
                            Resampler.resample(raw, c.config.samplingRate(), 16000), null, 0);
                Wav.write(r, yRaw, c.config.samplingRate());
                resynth.add(r);
                if (other != null) {
                    float[] yo = other.decode(other.encode(other.preprocess(raw)), NoiseSource.OFF);
                    otherMel += spectral.compute(Arrays.copyOf(yo, x.length), x, null, 0, 0).mel() / wavs.size();
                    Path ro = java.nio.file.Files.createDirectories(dir.resolve("against")).resolve(r.getFileName());
                    Wav.write(ro, Arrays.copyOf(yo, raw.length), c.config.samplingRate());
                    otherResynth.add(ro);
                }
                for (int s = 0; s < splits; s++) {
                    int rate = c.config.samplingRate();
                    float[][] hybrid = dev.qwenomni.audio.BandSplit.swap(raw, yRaw, rate, o.bandSplits[s]); // {original low, resynthesis low}
                    Path splitDir = java.nio.file.Files.createDirectories(dir.resolve(String.format(Locale.ROOT, "split-%.0f", o.bandSplits[s])));
                    Path p0 = splitDir.resolve("orig-low_" + r.getFileName()), p1 = splitDir.resolve("resynth-low_" + r.getFileName());
                    Wav.write(p0, hybrid[0], rate);
                    Wav.write(p1, hybrid[1], rate);
                    hybrids.get(s).get(0).add(p0);
                    hybrids.get(s).get(1).add(p1);
                }
            }
            double mel = Arrays.stream(clipMel).average().orElse(0), mcd = Arrays.stream(clipMcd).average().orElse(0);
            headline = new double[]{wavs.size(), seconds, mel, mcd, sisdr};
            say("%d files, %.1f s of audio: multi-scale log-mel L1 %.4f, MCD %.2f dB, SI-SDR %.2f dB (encode+decode %.1f s)%n",
                    wavs.size(), seconds, mel, mcd, sisdr, wall);
            if (recogniser != null)
                say("  recogniser features (pocketsphinx en-us front end at 16 kHz, CMN per clip): mean |difference| %.4f deviations%n",
                        Arrays.stream(clipRec).average().orElse(0));
            var allPitch = new dev.qwenomni.audio.PitchTracker.Comparison();
            clipPitch.forEach(allPitch::addAll);
            line("  " + allPitch.summary());
            // the voices differ a lot, so a manifest of several gets its numbers by voice as well
            var voices = byVoice(speakers);
            if (voices.size() > 1) for (var entry : voices.entrySet()) {
                var v = new dev.qwenomni.audio.PitchTracker.Comparison();
                entry.getValue().forEach(k -> v.addAll(clipPitch.get(k)));
                line("    " + entry.getKey() + ": " + v.summary());
            }
            for (int l = 0; l < usage.length; l++) {
                long used = Arrays.stream(usage[l]).filter(u -> u > 0).count();
                say("  level %d: %d of %d codes used, perplexity %.1f%n", l, used, c.config.codebookSize(),
                        dev.qwenomni.codec.CodecTask.perplexity(usage[l]));
            }
            if (o.wer) {
                var rec = dev.qwenomni.asr.Recognizer.openCorpus(o.kjv, o.testList, o.manifest.toAbsolutePath().getParent().resolve("asr"), o.jobs);
                List<String> origText = rec.transcribe(wavs, dir.resolve("asr-work"));
                List<String> oursText = rec.transcribe(resynth, dir.resolve("asr-work"));
                var orig = dev.qwenomni.asr.ErrorRate.score(texts, origText);
                var ours = dev.qwenomni.asr.ErrorRate.score(texts, oursText);
                werOriginal = orig.wer();
                werResynthesis = ours.wer();
                say("WER (open corpus LM): original %.1f%%, resynthesis %.1f%% (%+.1f points); CER %.1f%% / %.1f%%%n",
                        100 * orig.wer(), 100 * ours.wer(), 100 * (ours.wer() - orig.wer()), 100 * orig.cer(), 100 * ours.cer());
                line("  word edits: original " + orig.split() + ", resynthesis " + ours.split());
                double[] ci = dev.qwenomni.asr.ErrorRate.gapInterval(texts, origText, oursText, 0.95, 2000, 1);
                gap = ci;
                say("  WER gap 95%% interval %+.1f to %+.1f points (paired bootstrap over the clips)%n", 100 * ci[0], 100 * ci[1]);
                if (other != null) {
                    List<String> otherText = rec.transcribe(otherResynth, dir.resolve("asr-work"));
                    var oth = dev.qwenomni.asr.ErrorRate.score(texts, otherText);
                    double[] d = dev.qwenomni.asr.ErrorRate.gapInterval(texts, oursText, otherText, 0.95, 2000, 1);
                    say("against %s: log-mel L1 %.4f, resynthesis WER %.1f%% (%+.1f points on the original); "
                                    + "%+.1f points against this codec, 95%% interval %+.1f to %+.1f (paired bootstrap over the clips)%n",
                            o.against, otherMel, 100 * oth.wer(), 100 * (oth.wer() - orig.wer()), 100 * (oth.wer() - ours.wer()), 100 * d[0], 100 * d[1]);
                }
                List<List<String>> heardLowOrig = new java.util.ArrayList<>(), heardLowOurs = new java.util.ArrayList<>();
                for (int s = 0; s < splits; s++) {
                    heardLowOrig.add(rec.transcribe(hybrids.get(s).get(0), dir.resolve("asr-work")));
                    heardLowOurs.add(rec.transcribe(hybrids.get(s).get(1), dir.resolve("asr-work")));
                    printSplit("  ", o.bandSplits[s], texts, origText, heardLowOrig.get(s), heardLowOurs.get(s));
                }
                if (o.out != null) writeTranscripts(dir.resolve("transcripts.tsv"), wavs, texts, origText, oursText);
                if (voices.size() > 1) for (var entry : voices.entrySet()) {
                    String v = entry.getKey();
                    List<Integer> idx = entry.getValue();
                    var vo = dev.qwenomni.asr.ErrorRate.score(pick(texts, idx), pick(origText, idx));
                    var r = dev.qwenomni.asr.ErrorRate.score(pick(texts, idx), pick(oursText, idx));
                    double vm = idx.stream().mapToDouble(k -> clipMel[k]).average().orElse(0);
                    double vd = idx.stream().mapToDouble(k -> clipMcd[k]).average().orElse(0);
                    double vr = idx.stream().mapToDouble(k -> clipRec[k]).average().orElse(0);
                    say("  %s (%d clips): WER %.1f%% -> %.1f%% (%+.1f points), CER %.1f%% / %.1f%%, log-mel L1 %.4f, MCD %.2f dB%s%n",
                            v, idx.size(), 100 * vo.wer(), 100 * r.wer(), 100 * (r.wer() - vo.wer()), 100 * vo.cer(), 100 * r.cer(), vm, vd,
                            recogniser == null ? "" : String.format(Locale.ROOT, ", recogniser features %.4f", vr));
                    line("    word edits: original " + vo.split() + ", resynthesis " + r.split());
                    for (int s = 0; s < splits; s++)
                        printSplit("    ", o.bandSplits[s], pick(texts, idx), pick(origText, idx), pick(heardLowOrig.get(s), idx), pick(heardLowOurs.get(s), idx));
                }
            }
        } finally {
            if (o.out == null) dev.qwenomni.sys.FileTrees.delete(dir);
        }
        return new Report((int) headline[0], headline[1], headline[2], headline[3], headline[4], werOriginal, werResynthesis, gap, text.toString());
    }

    /** WER of the two band hybrids at one cut, each against the original's. */
    private void printSplit(String indent, double hz, List<String> texts, List<String> orig, List<String> lowOrig, List<String> lowOurs) {
        double base = dev.qwenomni.asr.ErrorRate.score(texts, orig).wer();
        double a = dev.qwenomni.asr.ErrorRate.score(texts, lowOrig).wer(), b = dev.qwenomni.asr.ErrorRate.score(texts, lowOurs).wer();
        say("%ssplit at %.0f Hz: original below + resynthesis above %.1f%% (%+.1f), "
                + "resynthesis below + original above %.1f%% (%+.1f)%n", indent, hz, 100 * a, 100 * (a - base), 100 * b, 100 * (b - base));
    }

    /** One line per clip: file, reference text, what the recogniser heard in the original and in the resynthesis. */
    static void writeTranscripts(Path file, List<Path> wavs, List<String> texts, List<String> orig, List<String> ours) throws java.io.IOException {
        StringBuilder b = new StringBuilder("file\treference\toriginal\tresynthesis\n");
        for (int k = 0; k < wavs.size(); k++)
            b.append(wavs.get(k).getFileName()).append('\t').append(texts.get(k)).append('\t')
                    .append(orig.get(k)).append('\t').append(ours.get(k)).append('\n');
        dev.qwenomni.sys.AtomicFiles.write(file, b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Clip indices by speaker, speakers in order of first appearance. */
    public static java.util.LinkedHashMap<String, List<Integer>> byVoice(List<String> speakers) {
        var m = new java.util.LinkedHashMap<String, List<Integer>>();
        for (int k = 0; k < speakers.size(); k++) m.computeIfAbsent(speakers.get(k), v -> new java.util.ArrayList<>()).add(k);
        return m;
    }

    public static <T> List<T> pick(List<T> items, List<Integer> idx) {
        return idx.stream().map(items::get).toList();
    }

    /** At most {@code n} items at even strides over the list, first included, order kept. */
    public static <T> List<T> spread(List<T> items, int n) {
        if (items.size() <= n) return items;
        List<T> r = new java.util.ArrayList<>(n);
        for (int k = 0; k < n; k++) r.add(items.get((int) ((long) k * items.size() / n)));
        return r;
    }

    /** Scale-invariant signal-to-distortion ratio of estimate y against reference x, in dB. */
    public static double siSdr(float[] x, float[] y) {
        double xy = 0, xx = 0;
        for (int i = 0; i < x.length; i++) { xy += (double) x[i] * y[i]; xx += (double) x[i] * x[i]; }
        double a = xy / Math.max(xx, 1e-12), target = 0, noise = 0;
        for (int i = 0; i < x.length; i++) {
            double t = a * x[i], e = y[i] - t;
            target += t * t;
            noise += e * e;
        }
        return 10 * Math.log10(Math.max(target, 1e-12) / Math.max(noise, 1e-12));
    }
}
