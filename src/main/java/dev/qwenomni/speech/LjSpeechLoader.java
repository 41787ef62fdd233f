package dev.qwenomni.speech;

import dev.qwenomni.audio.Wav;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's own speech in the LJSpeech layout: metadata.csv with lines id|transcript or
 * id|transcript|normalized transcript (the last field wins), and wavs/id.wav. Returns manifest
 * entries (speaker = the folder name, split by a hash of the id, 2% validation).
 */
public final class LjSpeechLoader {
    private LjSpeechLoader() {}

    public static List<ManifestEntry> load(Path dir) throws IOException {
        Path meta = dir.resolve("metadata.csv");
        if (!Files.isRegularFile(meta)) throw new IOException(dir + ": no metadata.csv (LJSpeech layout: metadata.csv + wavs/)");
        String speaker = dir.toAbsolutePath().normalize().getFileName().toString();
        List<ManifestEntry> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(meta, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) continue;
            String[] f = line.split("\\|", -1);
            if (f.length < 2 || f[0].isBlank() || f[f.length - 1].isBlank())
                throw new IOException(meta + ": line " + (n + 1) + " is not id|transcript[|normalized]: " + line);
            String id = f[0].strip(), text = f[f.length - 1].strip();
            Path wav = dir.resolve("wavs").resolve(id + ".wav");
            if (!Files.isRegularFile(wav)) throw new IOException(meta + ": line " + (n + 1) + ": audio " + wav + " is missing");
            double seconds = Wav.read(wav).seconds();
            String split = Math.floorMod(id.hashCode(), 50) == 0 ? "val" : "train";
            out.add(new ManifestEntry(id, text, speaker, seconds, split, dir.toAbsolutePath().relativize(wav.toAbsolutePath()).toString()));
        }
        if (out.isEmpty()) throw new IOException(meta + ": no entries");
        return out;
    }
}
