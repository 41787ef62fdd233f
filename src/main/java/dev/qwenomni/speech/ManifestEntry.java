package dev.qwenomni.speech;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.sys.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One line of a speech manifest (JSONL); path is relative to the manifest's folder. */
public record ManifestEntry(String id, String text, String speaker, double duration, String split, String path) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void write(Path file, List<ManifestEntry> entries) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ManifestEntry e : entries) sb.append(JSON.writeValueAsString(e)).append('\n');
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static List<ManifestEntry> read(Path file) throws IOException {
        List<ManifestEntry> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) continue;
            try {
                out.add(JSON.readValue(line, ManifestEntry.class));
            } catch (IOException e) {
                throw new IOException(file + ": line " + n + " is not a manifest entry: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The audio file, resolved against the manifest's folder. */
    public Path resolve(Path manifest) { return manifest.toAbsolutePath().getParent().resolve(path); }
}
