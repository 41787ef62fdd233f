package dev.qwenomni.speech;

import dev.qwenomni.sys.Processes;
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
        Path wav = Files.createTempFile(workDir, "flite", ".wav");
        try {
            // flite loads in milliseconds, so one call per sentence
            for (String t : texts) {
                run(voice, t, List.of(), wav.toString(), workDir, 120);
                out.add(Wav.read(wav));
            }
        } finally {
            Files.deleteIfExists(wav);
        }
        return out;
    }

    /**
     * Runs flite once: {@code flite -voice V OPTIONS -f TEXTFILE -o OUT}, the text going through a
     * file, not a shell. Returns what flite printed (phones with -ps or -psdur).
     */
    public static String run(String voice, String text, List<String> options, String out, Path workDir, long timeoutSeconds) throws IOException {
        Files.createDirectories(workDir);
        Path txt = Files.createTempFile(workDir, "flite", ".txt");
        try {
            Files.writeString(txt, text, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of("flite", "-voice", voice));
            cmd.addAll(options);
            cmd.addAll(List.of("-f", txt.toString(), "-o", out));
            return Processes.run(cmd, null, workDir, timeoutSeconds);
        } finally {
            Files.deleteIfExists(txt);
        }
    }
}
