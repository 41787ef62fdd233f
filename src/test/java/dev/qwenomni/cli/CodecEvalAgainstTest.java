package dev.qwenomni.cli;

import dev.qwenomni.asr.Recognizer;
import dev.qwenomni.speech.ManifestEntry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** codec eval --against: the second codec's resyntheses are transcribed and compared clip by clip with the first's. */
@Tag("slow")
class CodecEvalAgainstTest {
    static final Path CODEC = Path.of("checkpoints/codec");

    @TempDir
    Path dir;

    @Test
    void aCodecAgainstItselfDiffersByNothing() throws Exception {
        dev.qwenomni.Requires.that(Files.isRegularFile(CODEC.resolve("model.safetensors")), "no committed codec");
        dev.qwenomni.Requires.that(Recognizer.available(), "pocketsphinx not installed");
        Path wav = Path.of("src/test/resources/speech/birch_flite_rms_16k.wav");
        Files.copy(wav, dir.resolve("birch.wav"));
        Path manifest = dir.resolve("manifest.jsonl");
        ManifestEntry.write(manifest, List.of(new ManifestEntry("b", "The birch canoe slid on the smooth planks.", "flite:rms", 2.92, "test", "birch.wav")));
        java.io.StringWriter printed = new java.io.StringWriter();
        picocli.CommandLine cl = Omni.commandLine();
        cl.setOut(new java.io.PrintWriter(printed));
        assertEquals(0, cl.execute("codec", "eval", "-c", CODEC.toString(), "--manifest", manifest.toString(), "--wer",
                "--against", CODEC.toString()));
        String report = printed.toString();
        Matcher ours = Pattern.compile("resynthesis ([0-9.]+)% \\(").matcher(report);
        Matcher against = Pattern.compile("against \\S+: log-mel L1 ([0-9.]+), resynthesis WER ([0-9.]+)% .*; ([-+][0-9.]+) points against this "
                + "codec, 95% interval ([-+][0-9.]+) to ([-+][0-9.]+)").matcher(report);
        Matcher mel = Pattern.compile("multi-scale log-mel L1 ([0-9.]+)").matcher(report);
        assertTrue(ours.find() && against.find() && mel.find(), report);
        // the same codec decodes the same audio, which the recogniser hears the same: no difference, no spread
        assertEquals(ours.group(1), against.group(2), report);
        assertEquals(mel.group(1), against.group(1), report);
        assertEquals(0, Double.parseDouble(against.group(3)), 0.0, report);
        assertEquals(0, Double.parseDouble(against.group(4)), 0.0, report);
        assertEquals(0, Double.parseDouble(against.group(5)), 0.0, report);
    }
}
