package dev.qwenomni.speech;

import dev.qwenomni.audio.Wav;
import dev.qwenomni.sys.TsvCache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The flite teacher's own phone timings for our clips: flite is deterministic, so rendering a
 * sentence again with -psdur gives the phones it spoke and when each ended; the same resampling
 * and silence trim as {@link SpeechCache} then move those times onto the clip's time axis. The
 * clip's length is kept too, so a caller can check that the alignment belongs to the audio it
 * has. Cached in a TSV file per voice (text, samples, phone:end ...), written atomically.
 */
public final class FliteAlignments {
    /** One phone and its end time in seconds on the clip (clamped to the clip). */
    public record Phone(String name, double end) {}

    /** A clip's phones and its length in samples at 24 kHz. */
    public record Alignment(List<Phone> phones, int samples) {
        public double seconds() { return samples / (double) SpeechCache.RATE; }
    }

    private final TsvCache store;
    private final Path workDir;
    private final String voice;

    public FliteAlignments(Path cacheDir, String voice) {
        if (!new FliteTeacher().voices().contains(voice)) throw new IllegalArgumentException("flite has no voice '" + voice + "'");
        this.voice = voice;
        this.store = new TsvCache(cacheDir.resolve("flite-" + voice + ".tsv"));
        this.workDir = cacheDir.resolve("work");
    }

    /** Alignments of every text (rendered two at a time where not cached). */
    public Map<String, Alignment> get(List<String> texts) throws IOException {
        Map<String, Alignment> cache = read();
        List<String> missing = texts.stream().filter(t -> !cache.containsKey(t)).distinct().toList();
        if (!missing.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Alignment>> done = new ArrayList<>();
                for (String t : missing) done.add(pool.submit(() -> align(t)));
                for (int i = 0; i < missing.size(); i++) {
                    cache.put(missing.get(i), done.get(i).get());
                    if ((i + 1) % 2000 == 0) write(cache); // an interrupted run keeps what it aligned
                }
            } catch (Exception e) {
                throw new IOException("flite alignment failed: " + e.getMessage(), e);
            } finally {
                pool.shutdownNow();
            }
            write(cache);
        }
        Map<String, Alignment> out = new LinkedHashMap<>();
        for (String t : texts) out.put(t, cache.get(t));
        return out;
    }

    /** Renders one text with -psdur and moves the phone ends onto the trimmed 24 kHz clip. */
    Alignment align(String text) throws IOException {
        Files.createDirectories(workDir);
        Path wav = Files.createTempFile(workDir, "align", ".wav");
        try {
            List<Phone> raw = parse(FliteTeacher.run(voice, text, List.of("-psdur"), wav.toString(), workDir, 120));
            int[] kept = SpeechCache.keptRange(Wav.read(wav));
            double start = kept[0] / (double) SpeechCache.RATE, length = (kept[1] - kept[0]) / (double) SpeechCache.RATE;
            List<Phone> phones = new ArrayList<>();
            // to 0.1 ms (what the cache file keeps), so a cached alignment equals a fresh one
            for (Phone p : raw) phones.add(new Phone(p.name(), Math.round(Math.max(0, Math.min(length, p.end() - start)) * 1e4) / 1e4));
            return new Alignment(phones, kept[1] - kept[0]);
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    /** "pau:0.176 dh:0.342 ..." (flite's -psdur line) to phones. */
    static List<Phone> parse(String psdur) throws IOException {
        List<Phone> out = new ArrayList<>();
        for (String tok : psdur.strip().split("\\s+")) {
            if (tok.isEmpty()) continue;
            int c = tok.lastIndexOf(':');
            try {
                if (c <= 0) throw new NumberFormatException("no ':'");
                out.add(new Phone(tok.substring(0, c), Double.parseDouble(tok.substring(c + 1))));
            } catch (NumberFormatException e) {
                throw new IOException("flite -psdur printed '" + tok + "', not phone:seconds");
            }
        }
        if (out.isEmpty()) throw new IOException("flite -psdur printed no phones");
        return out;
    }

    /** The cache: text, then the clip's samples and its phones (name:end seconds) after a tab. */
    private Map<String, Alignment> read() throws IOException {
        Map<String, Alignment> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : store.read().entrySet()) {
            String[] f = e.getValue().split("\t");
            try {
                if (f.length != 2) throw new IOException("expected text, samples and phones separated by tabs");
                m.put(e.getKey(), new Alignment(parse(f[1]), Integer.parseInt(f[0])));
            } catch (IOException | NumberFormatException x) {
                throw new IOException(store.file() + ": the entry of \"" + e.getKey() + "\": " + x.getMessage() + " (delete the file to rebuild it)");
            }
        }
        return m;
    }

    private void write(Map<String, Alignment> m) throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        m.forEach((text, a) -> {
            StringBuilder sb = new StringBuilder().append(a.samples()).append('\t');
            for (int i = 0; i < a.phones().size(); i++) {
                Phone p = a.phones().get(i);
                sb.append(i == 0 ? "" : " ").append(p.name()).append(':').append(String.format(Locale.ROOT, "%.4f", p.end()));
            }
            rows.put(text, sb.toString());
        });
        store.write(rows);
    }
}
