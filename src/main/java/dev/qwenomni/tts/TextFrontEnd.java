package dev.qwenomni.tts;

import dev.qwenomni.data.TextNormalizer;
import dev.qwenomni.sys.TsvCache;
import dev.qwenomni.sys.Processes;
import dev.qwenomni.sys.SystemPackages;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Text to the symbol string the model reads (as UTF-8 bytes). GRAPHEMES: normalised text
 * (numbers, abbreviations, quotes spelled out), lower-cased. PHONEMES: that text through
 * espeak-ng's IPA output (a subprocess, cached in a TSV file), clause breaks kept as commas and
 * the sentence's final punctuation kept, since both shape the prosody. FLITE_PHONES: the phones
 * flite's own lexicon and letter-to-sound rules give the raw text (flite -ps, cached), space
 * separated, pauses as "pau": the symbols our flite teacher voices actually spoke, which is what
 * lets training align each audio frame with the phone being spoken ({@code FliteAlignments}).
 */
public enum TextFrontEnd {
    GRAPHEMES, PHONEMES, FLITE_PHONES;

    public static final List<String> ESPEAK_PACKAGES = List.of("espeak-ng");

    public static TextFrontEnd parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown text front-end '" + s + "' (choose graphemes, phonemes or flite-phones)");
        }
    }

    public String id() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    /** Symbols for each text, in order; cacheDir holds the phoneme cache (unused for graphemes). */
    public List<String> symbols(List<String> texts, Path cacheDir) throws IOException {
        if (this == FLITE_PHONES) return new Phonemizer(cacheDir, "flite-phones.tsv", List.of("flite"), Phonemizer::fliteAvailable, Phonemizer::flite).phonemes(texts);
        List<String> normal = new ArrayList<>();
        for (String t : texts) normal.add(TextNormalizer.normalize(t).toLowerCase(Locale.ROOT));
        if (this == GRAPHEMES) return normal;
        return new Phonemizer(cacheDir, "espeak-ng-en-us.tsv", ESPEAK_PACKAGES, Phonemizer::available, Phonemizer::espeak).phonemes(normal);
    }

    public String symbols(String text, Path cacheDir) throws IOException { return symbols(List.of(text), cacheDir).get(0); }

    /** A phonemising program (espeak-ng or flite), one process per text, two at a time, with a persistent cache. */
    static final class Phonemizer {
        interface Program { String run(String text, Path workDir) throws IOException; }

        private final TsvCache store;
        private final List<String> packages;
        private final java.util.function.BooleanSupplier installed;
        private final Program program;

        Phonemizer(Path cacheDir, String fileName, List<String> packages, java.util.function.BooleanSupplier installed, Program program) {
            this.store = new TsvCache(cacheDir.resolve(fileName));
            this.packages = packages;
            this.installed = installed;
            this.program = program;
        }

        static boolean available() { return Processes.onPath("espeak-ng"); }
        static boolean fliteAvailable() { return Processes.onPath("flite"); }

        List<String> phonemes(List<String> texts) throws IOException {
            Map<String, String> cache = store.read();
            List<String> missing = texts.stream().filter(t -> !cache.containsKey(t)).distinct().toList();
            if (!missing.isEmpty()) {
                if (!SystemPackages.ensure(packages.get(0), packages, installed))
                    throw new IOException("the front-end needs " + packages + " (apt-get install -y " + String.join(" ", packages) + ")");
                org.slf4j.LoggerFactory.getLogger(TextFrontEnd.class).debug("{}: {} texts to phonemise (cached in {})", packages.get(0), missing.size(), store.file());
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    List<Future<String>> done = new ArrayList<>();
                    Path work = store.file().getParent().resolve("work");
                    for (String t : missing) done.add(pool.submit(() -> program.run(t, work)));
                    for (int i = 0; i < missing.size(); i++) cache.put(missing.get(i), done.get(i).get());
                } catch (Exception e) {
                    throw new IOException(packages.get(0) + " failed: " + e.getMessage(), e);
                } finally {
                    pool.shutdownNow();
                }
                store.write(cache);
            }
            List<String> out = new ArrayList<>();
            for (String t : texts) out.add(cache.get(t));
            return out;
        }

        /** flite's phones for the raw text (its own normalisation), as the rms voice would speak them. */
        static String flite(String text, Path workDir) throws IOException {
            String ps = dev.qwenomni.speech.FliteTeacher.run("rms", text, List.of("-ps"), "none", workDir, 60);
            return String.join(" ", ps.strip().split("\\s+"));
        }

        static String espeak(String text, Path workDir) throws IOException {
            String ipa = Processes.run(List.of("espeak-ng", "-q", "--ipa", "-v", "en-us", "-b", "1", "--stdin"), text, workDir, 60);
            String joined = String.join(", ", ipa.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
            char last = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
            return last == '?' || last == '!' || last == '.' ? joined + last : joined;
        }

    }
}
