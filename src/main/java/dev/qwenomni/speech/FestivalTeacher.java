package dev.qwenomni.speech;

import dev.qwenomni.sys.Processes;
import dev.qwenomni.audio.Wav;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Festival with the HTS voice cmu_us_slt_arctic_hts (Debian main, 32 kHz). One festival process
 * renders a whole batch: loading the voice costs more than a sentence does.
 */
public final class FestivalTeacher implements Teacher {
    private static final Map<String, String> VOICES = Map.of("slt_hts", "voice_cmu_us_slt_arctic_hts");

    @Override public String name() { return "festival"; }
    @Override public List<String> voices() { return List.of("slt_hts"); }
    @Override public List<String> packages() { return List.of("festival", "festvox-us-slt-hts"); }

    @Override
    public boolean available() {
        return Processes.onPath("festival") && Files.isDirectory(Path.of("/usr/share/festival/voices/us/cmu_us_slt_arctic_hts"));
    }

    @Override
    public List<Wav.Audio> render(String voice, List<String> texts, Path workDir) throws IOException {
        String fn = VOICES.get(voice);
        if (fn == null) throw new IllegalArgumentException("festival has no voice '" + voice + "' (" + voices() + ")");
        Path dir = Files.createTempDirectory(Files.createDirectories(workDir), "festival");
        try {
            StringBuilder script = new StringBuilder("(" + fn + ")\n");
            for (int i = 0; i < texts.size(); i++)
                script.append("(utt.save.wave (utt.synth (Utterance Text \"").append(escape(texts.get(i))).append("\")) \"")
                        .append(dir.resolve(i + ".wav")).append("\" 'riff)\n");
            script.append("(quit)\n");
            Processes.run(List.of("festival", "--pipe"), script.toString(), workDir, 60L + 30L * texts.size());
            List<Wav.Audio> out = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                Path f = dir.resolve(i + ".wav");
                if (!Files.isRegularFile(f)) throw new IOException("festival wrote no audio for: " + texts.get(i));
                out.add(Wav.read(f));
            }
            return out;
        } finally {
            dev.qwenomni.sys.FileTrees.delete(dir);
        }
    }

    static String escape(String s) { return s.replace("\\", "\\\\").replace("\"", "\\\""); }
}
