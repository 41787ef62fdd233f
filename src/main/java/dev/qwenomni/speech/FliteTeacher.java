package dev.qwenomni.speech;

import dev.qwenomni.audio.Wav;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CMU Flite (Debian main): fast, buzzy, intelligible; 16 kHz voices rms, awb, slt, kal16. */
public final class FliteTeacher implements Teacher {
    @Override public String name() { return "flite"; }
    @Override public List<String> voices() { return List.of("rms", "awb", "slt", "kal16"); }
    @Override public List<String> packages() { return List.of("flite"); }
    @Override public boolean available() { return Processes.onPath("flite"); }

    @Override
    public List<Wav.Audio> render(String voice, List<String> texts, Path workDir) throws IOException {
        if (!voices().contains(voice)) throw new IllegalArgumentException("flite has no voice '" + voice + "' (" + voices() + ")");
        Files.createDirectories(workDir);
        List<Wav.Audio> out = new ArrayList<>();
        Path txt = Files.createTempFile(workDir, "flite", ".txt"), wav = Files.createTempFile(workDir, "flite", ".wav");
        try {
            for (String t : texts) {
                // flite loads in milliseconds, so one call per sentence; the text goes through a file, not a shell
                Files.writeString(txt, t, StandardCharsets.UTF_8);
                Processes.run(List.of("flite", "-voice", voice, "-f", txt.toString(), "-o", wav.toString()), null, workDir, 120);
                out.add(Wav.read(wav));
            }
        } finally {
            Files.deleteIfExists(txt);
            Files.deleteIfExists(wav);
        }
        return out;
    }
}
