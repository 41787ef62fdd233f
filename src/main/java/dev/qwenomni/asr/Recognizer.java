package dev.qwenomni.asr;

import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.data.SpeechSentences;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Speech recognition with CMU PocketSphinx (Debian's pocketsphinx + pocketsphinx-en-us), run as
 * pocketsphinx_batch over a list of files: audio is resampled to 16 kHz by our resampler first.
 * The language model is either the package's general en-us model or an ARPA trigram we build
 * from our corpus (held-out test sentences left out, so scores on them are "open").
 */
public final class Recognizer {
    public static final Path MODEL = dev.qwenomni.audio.SphinxFrontEnd.MODELS;
    public static final List<String> PACKAGES = dev.qwenomni.audio.SphinxFrontEnd.PACKAGES;

    private final Path lm;
    private final int jobs;

    /** lm == null selects the general en-us model. */
    public Recognizer(Path lm, int jobs) {
        this.lm = lm;
        this.jobs = Math.max(1, jobs);
    }

    public static boolean available() {
        return Files.isRegularFile(MODEL.resolve("en-us.lm.bin")) && Files.isExecutable(Path.of("/usr/bin/pocketsphinx_batch"));
    }

    public static Set<String> dictionary() throws IOException {
        Set<String> words = new HashSet<>();
        for (String l : Files.readAllLines(MODEL.resolve("cmudict-en-us.dict"), StandardCharsets.ISO_8859_1)) {
            int sp = l.indexOf(' ');
            if (sp <= 0) continue;
            String w = l.substring(0, sp);
            int paren = w.indexOf('(');
            words.add(paren > 0 ? w.substring(0, paren) : w);
        }
        return words;
    }

    /**
     * The corpus LM ("open": test sentences excluded), built once and cached by a hash of its inputs.
     */
    public static Path corpusLm(Path kjv, Set<String> testKeys, Path cacheDir) throws IOException {
        List<SpeechSentences.Sentence> all = SpeechSentences.load(kjv, testKeys);
        List<String> text = new ArrayList<>();
        for (SpeechSentences.Sentence s : all) if (!s.split().equals("test")) text.add(s.text());
        String key = Integer.toHexString(text.hashCode()) + "-" + text.size();
        Path f = cacheDir.resolve("corpus-" + key + ".lm");
        if (!Files.isRegularFile(f)) ArpaLm.write(f, text, dictionary());
        return f;
    }

    /**
     * The recogniser with the open corpus LM (held-out sentences excluded), installing
     * pocketsphinx first when it is missing: what every held-out WER here is scored with.
     */
    public static Recognizer openCorpus(Path kjv, Path testList, Path cacheDir, int jobs) throws IOException {
        dev.qwenomni.sys.SystemPackages.ensure("pocketsphinx", PACKAGES, Recognizer::available);
        return new Recognizer(corpusLm(kjv, SpeechSentences.testKeys(testList), cacheDir), jobs);
    }

    /** The recogniser with pocketsphinx's general en-us LM, installing pocketsphinx first when it is missing. */
    public static Recognizer openGeneral(int jobs) {
        dev.qwenomni.sys.SystemPackages.ensure("pocketsphinx", PACKAGES, Recognizer::available);
        return new Recognizer(null, jobs);
    }

    /** Transcribes each WAV (any rate); returns one hypothesis per file, in order. */
    public List<String> transcribe(List<Path> wavs, Path workDir) throws IOException {
        if (!available())
            throw new IOException("pocketsphinx is not installed (apt-get install -y " + String.join(" ", PACKAGES) + ")");
        Path dir = Files.createTempDirectory(Files.createDirectories(workDir), "asr");
        try {
            for (int i = 0; i < wavs.size(); i++) {
                Wav.Audio a = Wav.read(wavs.get(i));
                Wav.write(dir.resolve("u" + i + ".wav"), Resampler.resample(a.samples(), a.sampleRate(), 16000), 16000);
            }
            ExecutorService pool = Executors.newFixedThreadPool(jobs);
            List<Future<Map<String, String>>> parts = new ArrayList<>();
            for (int j = 0; j < jobs; j++) {
                int part = j;
                parts.add(pool.submit(() -> runBatch(dir, wavs.size(), part)));
            }
            Map<String, String> hyp = new HashMap<>();
            try {
                for (Future<Map<String, String>> f : parts) hyp.putAll(f.get());
            } catch (Exception e) {
                throw new IOException("pocketsphinx failed: " + e.getMessage(), e);
            } finally {
                pool.shutdownNow();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < wavs.size(); i++) out.add(hyp.getOrDefault("u" + i, ""));
            return out;
        } finally {
            dev.qwenomni.sys.FileTrees.delete(dir);
        }
    }

    private Map<String, String> runBatch(Path dir, int n, int part) throws IOException, InterruptedException {
        StringBuilder ctl = new StringBuilder();
        for (int i = part; i < n; i += jobs) ctl.append('u').append(i).append('\n');
        Path ctlFile = dir.resolve("ctl" + part), hypFile = dir.resolve("hyp" + part);
        Files.writeString(ctlFile, ctl);
        List<String> cmd = new ArrayList<>(Arrays.asList("pocketsphinx_batch", "-adcin", "yes", "-adchdr", "44",
                "-cepdir", dir.toString(), "-cepext", ".wav", "-ctl", ctlFile.toString(), "-hyp", hypFile.toString(),
                "-hmm", MODEL.resolve("en-us").toString(), "-dict", MODEL.resolve("cmudict-en-us.dict").toString(),
                "-lm", (lm == null ? MODEL.resolve("en-us.lm.bin") : lm).toString(), "-logfn", dir.resolve("log" + part).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0)
            throw new IOException("pocketsphinx_batch exited with " + (p.isAlive() ? "a time-out" : p.exitValue()) + "; see its log "
                    + tail(dir.resolve("log" + part)));
        Map<String, String> out = new HashMap<>();
        for (String line : Files.readAllLines(hypFile, StandardCharsets.UTF_8)) {
            int open = line.lastIndexOf('(');
            if (open < 0) continue;
            String id = line.substring(open + 1).trim().split(" ")[0];
            out.put(id, line.substring(0, open).trim());
        }
        return out;
    }

    private static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join(" | ", l.subList(Math.max(0, l.size() - 3), l.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
