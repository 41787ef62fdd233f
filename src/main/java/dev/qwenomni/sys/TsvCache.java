package dev.qwenomni.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one format of the project's derived-data caches (phonemes, phone alignments, codec codes):
 * a UTF-8 text file, one entry a line, the key before the first tab and the value after it,
 * written whole and atomically (so an interrupted run keeps the last complete save). Keys are
 * texts or clip ids; a tab or line break in a key, or a line break in a value, becomes a space.
 */
public final class TsvCache {
    private final Path file;

    public TsvCache(Path file) { this.file = file; }

    public Path file() { return file; }

    /** The entries in file order; empty when the file does not exist. A line without a tab is named in the error. */
    public Map<String, String> read() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) return m;
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            int tab = line.indexOf('\t');
            if (tab < 0) throw new IOException(file + ": line " + n + " has no tab (delete the file to rebuild the cache)");
            m.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return m;
    }

    public void write(Map<String, String> entries) throws IOException {
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(k.replaceAll("[\t\r\n]", " ")).append('\t').append(v.replaceAll("[\r\n]", " ")).append('\n'));
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
