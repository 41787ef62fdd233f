package dev.qwenomni.speech;

import dev.qwenomni.audio.Wav;
import dev.qwenomni.sys.FileTrees;
import dev.qwenomni.sys.Processes;
import dev.qwenomni.sys.SystemPackages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RHVoice's English voices (Debian non-free: rhvoice, rhvoice-english), built on the CMU ARCTIC
 * recordings: 24 kHz output, and for bdl and slt full-band speech, unlike flite's 16 kHz voices. One RHVoice-test process per
 * text: it starts in about 0.2 s, and a process per sentence keeps each clip its own file.
 */
public final class RhVoiceTeacher implements Teacher {
    static final List<String> VOICES = List.of("bdl", "slt", "clb", "alan");
    /**
     * The voices with speech above 8 kHz (measured on one sentence: 0.7% and 1.6% of the energy
     * between 8 and 12 kHz); clb stops at about 7.8 kHz and alan has 1e-6 of its energy there.
     */
    static final List<String> FULL_BAND = List.of("bdl", "slt");
    static final String PROGRAM = "RHVoice-test";

    @Override public String name() { return "rhvoice"; }
    @Override public List<String> voices() { return VOICES; }
    @Override public List<String> packages() { return List.of("rhvoice", "rhvoice-english"); }

    @Override
    public boolean available() {
        return Processes.onPath(PROGRAM) && Files.isDirectory(Path.of("/usr/share/RHVoice/voices/bdl"));
    }

    /** RHVoice lives in Debian's non-free component, which a default install does not list: enable it first. */
    @Override
    public boolean ensureInstalled() {
        if (available()) return true;
        SystemPackages.enableComponent("non-free");
        return SystemPackages.ensure(name(), packages(), this::available);
    }

    @Override
    public List<Wav.Audio> render(String voice, List<String> texts, Path workDir) throws IOException {
        if (!VOICES.contains(voice)) throw new IllegalArgumentException("rhvoice has no voice '" + voice + "' (" + VOICES + ")");
        Path dir = Files.createTempDirectory(Files.createDirectories(workDir), "rhvoice");
        try {
            List<Wav.Audio> out = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                Path f = dir.resolve(i + ".wav");
                // one line: RHVoice reads stdin to its end, and a newline inside a text would be a pause
                Processes.run(List.of(PROGRAM, "-p", voice, "-o", f.toString()), texts.get(i).replace('\n', ' ') + "\n", dir, 60);
                if (!Files.isRegularFile(f) || Files.size(f) <= 44) throw new IOException("RHVoice (" + voice + ") wrote no audio for: " + texts.get(i));
                out.add(Wav.read(f));
            }
            return out;
        } finally {
            FileTrees.delete(dir);
        }
    }
}
