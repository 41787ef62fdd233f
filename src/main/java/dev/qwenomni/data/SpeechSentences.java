package dev.qwenomni.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * English sentences for speech: extracted from texts with a clear licence (the committed King
 * James Bible; the BSD fortune files when Debian's `fortunes` package is installed), normalised,
 * split at sentence ends (and long ones at ; and :), kept when 3 to 25 plain words, deduplicated,
 * and split into train / validation / test by a hash of the normalised text.
 */
public final class SpeechSentences {
    public static final Path FORTUNES = Path.of("/usr/share/games/fortunes");
    /** Fortune files left out: licence unclear (pratchett, songs-poems, startrek, zippy) or not prose. */
    static final Set<String> SKIP_FORTUNES = Set.of("pratchett", "songs-poems", "startrek", "zippy", "art", "ascii-art", "translate-me");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.?!])\\s+(?=[A-Z])");
    private static final Pattern CLAUSE_END = Pattern.compile("(?<=[;:])\\s+");
    private static final Pattern SHOUTED = Pattern.compile("\\b([A-Z])([A-Z]+)\\b");
    private static final Pattern SPEAKABLE = Pattern.compile("[A-Z][A-Za-z' ,;:.?!-]*[.?!]");

    public record Sentence(String text, String source, String split) {}

    private SpeechSentences() {}

    /**
     * The sentences of a text: split after . ? or ! where whitespace and a capital follow (so "Mr. Smith" and
     * "e.g. this" stay whole), whitespace runs made one space, blank pieces dropped. The one splitter of the
     * project: the corpus and speak both use it.
     */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String s : SENTENCE_END.split(text.strip())) if (!s.isBlank()) out.add(s.strip().replaceAll("\\s+", " "));
        return out;
    }

    /** Splits, normalises and filters one passage into speakable sentences. */
    public static List<String> sentences(String passage) {
        List<String> out = new ArrayList<>();
        for (String s : split(passage)) {
            String n = TextNormalizer.normalize(s);
            int words = n.isEmpty() ? 0 : n.split(" ").length;
            if (words > 25) {
                for (String c : CLAUSE_END.split(n)) {
                    String t = c.strip();
                    if (t.isEmpty()) continue;
                    t = Character.toUpperCase(t.charAt(0)) + t.substring(1);
                    if (t.endsWith(";") || t.endsWith(":") || t.endsWith(",")) t = t.substring(0, t.length() - 1) + ".";
                    if (speakable(t)) out.add(t);
                }
            } else if (speakable(n)) {
                out.add(n);
            }
        }
        return out;
    }

    static boolean speakable(String s) {
        if (!SPEAKABLE.matcher(s).matches()) return false;
        String[] w = s.split(" ");
        if (w.length < 3 || w.length > 25) return false;
        for (String x : w) if (x.length() > 20) return false;
        return true;
    }

    /** Normalised key for deduplication and for the held-out list. */
    public static String key(String s) {
        return String.join(" ", TextNormalizer.words(s));
    }

    /** Split by a hash of the key: test (held-out list only), validation 1%, train otherwise. */
    static String split(String key, Set<String> testKeys) {
        if (testKeys.contains(key)) return "test";
        return Math.floorMod(fnv(key), 100) == 0 ? "val" : "train";
    }

    /** 64-bit FNV-1a of the UTF-8 bytes: the project's stable hash for deterministic splits. */
    static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) { h ^= b & 0xff; h *= 0x100000001b3L; }
        return h;
    }

    /** All sentences from the available sources, deduplicated, with their split. */
    public static List<Sentence> load(Path kjv, Set<String> testKeys) throws IOException {
        Map<String, Sentence> byKey = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(kjv);
             BufferedReader r = new BufferedReader(new InputStreamReader(kjv.toString().endsWith(".gz") ? new GZIPInputStream(in) : in,
                     StandardCharsets.UTF_8))) {
            String line;
            // the KJV prints LORD and GOD in small capitals, which the text file keeps as upper case
            while ((line = r.readLine()) != null) add(byKey, TextNormalizer.replaceAll(SHOUTED, line, m -> m.group(1) + lower(m.group(2))), "kjv", testKeys);
        }
        if (Files.isDirectory(FORTUNES)) {
            try (Stream<Path> files = Files.list(FORTUNES)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.contains(".") || SKIP_FORTUNES.contains(name) || !Files.isRegularFile(f)) continue;
                    String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                    for (String entry : text.split("\n%\n")) {
                        // drop attributions ("-- Author") and join the lines of the entry
                        StringBuilder sb = new StringBuilder();
                        for (String l : entry.split("\n")) {
                            String t = l.strip();
                            if (t.startsWith("--") || t.startsWith("- ")) break;
                            sb.append(t).append(' ');
                        }
                        add(byKey, sb.toString(), "fortune:" + name, testKeys);
                    }
                }
            }
        }
        return new ArrayList<>(byKey.values());
    }

    private static void add(Map<String, Sentence> byKey, String passage, String source, Set<String> testKeys) {
        for (String s : sentences(passage)) {
            String k = key(s);
            if (!k.isEmpty()) byKey.putIfAbsent(k, new Sentence(s, source, split(k, testKeys)));
        }
    }

    /** Keys of the committed held-out sentences, which every split and LM must leave out. */
    public static Set<String> testKeys(Path testList) throws IOException {
        Set<String> keys = new java.util.HashSet<>();
        for (String t : readTestList(testList)) keys.add(key(t));
        return keys;
    }

    /** The committed held-out test sentences (one per line). */
    public static List<String> readTestList(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!l.isBlank()) out.add(l.strip());
        return out;
    }

    static String lower(String s) { return s.toLowerCase(Locale.ROOT); }
}
