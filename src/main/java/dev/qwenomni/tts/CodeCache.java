package dev.qwenomni.tts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.sys.TsvCache;
import dev.qwenomni.speech.ManifestEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Codec codes of speech clips, computed once per codec: one JSON file per codec (named by the
 * hash of its encoder and quantizers, {@link dev.qwenomni.codec.CodecCheckpoint#codesSha256}) mapping clip id to its code levels. Saved atomically every few hundred
 * clips, so an interrupted build keeps what it encoded.
 */
public final class CodeCache {
    private static final Logger log = LoggerFactory.getLogger(CodeCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TsvCache file;
    private final Map<String, int[][]> codes;

    public CodeCache(Path dir, String codesSha256) throws IOException {
        String name = "codes-" + codesSha256.substring(0, 16);
        this.file = new TsvCache(dir.resolve(name + ".tsv"));
        Map<String, int[][]> m = new LinkedHashMap<>();
        Path legacy = dir.resolve(name + ".json");
        if (!Files.isRegularFile(file.file()) && Files.isRegularFile(legacy)) {
            // a cache written before the TSV format: read once, saved as TSV with the next codes
            try {
                var tree = JSON.readTree(legacy.toFile());
                tree.fields().forEachRemaining(e -> m.put(e.getKey(), JSON.convertValue(e.getValue(), int[][].class)));
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(legacy + ": not a code cache (" + e.getMessage() + "); delete it to rebuild", e);
            }
        }
        for (Map.Entry<String, String> e : file.read().entrySet()) m.put(e.getKey(), parse(file.file(), e.getKey(), e.getValue()));
        codes = m;
    }

    /** The cached codes of a clip, or null. */
    int[][] cached(String id) { return codes.get(id); }

    /** Levels separated by ';', codes by ','. */
    static String format(int[][] levels) {
        StringBuilder b = new StringBuilder();
        for (int l = 0; l < levels.length; l++) {
            if (l > 0) b.append(';');
            for (int i = 0; i < levels[l].length; i++) b.append(i == 0 ? "" : ",").append(levels[l][i]);
        }
        return b.toString();
    }

    static int[][] parse(Path file, String id, String text) throws IOException {
        String[] parts = text.split(";", -1);
        int[][] levels = new int[parts.length][];
        try {
            for (int l = 0; l < parts.length; l++)
                levels[l] = parts[l].isEmpty() ? new int[0] : java.util.Arrays.stream(parts[l].split(",")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IOException(file + ": the codes of " + id + " are not numbers (" + e.getMessage() + "); delete the file to rebuild it");
        }
        return levels;
    }

    /** Codes of every entry, encoding the ones not cached yet. */
    public Map<String, int[][]> codes(SnacCodec codec, Path manifest, List<ManifestEntry> entries) throws IOException {
        int todo = (int) entries.stream().filter(e -> !codes.containsKey(e.id())).count(), done = 0;
        if (todo > 0) log.info("encoding {} clips with the codec (cached in {})", todo, file.file());
        long t0 = System.nanoTime();
        for (ManifestEntry e : entries) {
            if (codes.containsKey(e.id())) continue;
            Wav.Audio a = Wav.read(e.resolve(manifest));
            float[] x = Resampler.resample(a.samples(), a.sampleRate(), codec.config.samplingRate());
            codes.put(e.id(), codec.encode(codec.preprocess(x)));
            if (++done % 200 == 0) {
                save();
                log.info("encoded {}/{} clips ({} s)", done, todo, String.format("%.0f", (System.nanoTime() - t0) / 1e9));
            }
        }
        if (done > 0) save();
        Map<String, int[][]> out = new LinkedHashMap<>();
        for (ManifestEntry e : entries) out.put(e.id(), codes.get(e.id()));
        return out;
    }

    private void save() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        codes.forEach((id, levels) -> rows.put(id, format(levels)));
        file.write(rows);
    }
}
