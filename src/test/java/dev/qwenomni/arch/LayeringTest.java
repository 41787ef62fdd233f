package dev.qwenomni.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages form a stack, lowest first; a package may use those below it and never one above.
 * Every mention counts (import, fully qualified name, javadoc link), so a dependency cannot hide
 * in a comment either. docs/architecture.md draws the same stack.
 */
class LayeringTest {
    static final List<String> STACK = List.of(
            "sys",     // files written atomically, child processes, Debian packages
            "tensor",  // ND4J buffers, fused kernels, parameters
            "nn",      // layers with their backward passes
            "model",   // the Qwen3 decoder: training forward/backward and KV-cache decode
            "io",      // checkpoint formats: safetensors, HF folders, torch archives
            "data",    // text: corpus, normaliser, tokenizer, batches
            "audio",   // signal processing: WAV, resampling, spectra, losses, features
            "asr",     // the recogniser and error rates
            "speech",  // teacher voices and the speech dataset
            "train",   // the training framework: trainer, AdamW, checkpoints, metrics
            "lm",      // task: text LM
            "codec",   // task: the SNAC-style codec
            "tts",     // task: text to speech
            "cli");    // commands

    static final Path MAIN = Path.of("src/main/java/dev/qwenomni");
    /** The research source set: classes of the main packages, kept apart (src/research/README.md); the same rule holds. */
    static final Path RESEARCH = Path.of("src/research/java/dev/qwenomni");
    static final Pattern MENTION = Pattern.compile("\\bdev\\.qwenomni\\.([a-z]+)\\b");

    @Test
    void everyMainPackageIsOnTheStack() throws IOException {
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(MAIN)) {
            dirs.filter(Files::isDirectory).forEach(d -> found.add(d.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(STACK), found, "packages under " + MAIN + " vs LayeringTest.STACK");
    }

    @Test
    void noPackageUsesOneAboveIt() throws IOException {
        List<String> upward = new ArrayList<>();
        for (Path root : List.of(MAIN, RESEARCH)) scan(root, upward);
        assertTrue(upward.isEmpty(), upward.size() + " upward uses:\n" + String.join("\n", upward));
    }

    private static void scan(Path root, List<String> upward) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                int rank = STACK.indexOf(pkg);
                if (rank < 0) upward.add(root.relativize(f) + ": package " + pkg + " is not on the stack");
                String[] lines = Files.readString(f).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = MENTION.matcher(lines[i]);
                    while (m.find()) {
                        int other = STACK.indexOf(m.group(1));
                        if (other > rank) upward.add(root.relativize(f) + ":" + (i + 1) + " (" + pkg + ") uses " + m.group(1));
                    }
                }
            }
        }
    }

    /** The check itself: a mention of a higher package is caught, one of a lower package is not. */
    @Test
    void theScanSeesAnUpwardMention() {
        Matcher m = MENTION.matcher("import dev.qwenomni.tts.Synthesizer; // and {@link dev.qwenomni.tensor.Kernels}");
        List<String> seen = new ArrayList<>();
        while (m.find()) seen.add(m.group(1));
        assertEquals(List.of("tts", "tensor"), seen);
        assertTrue(STACK.indexOf("tts") > STACK.indexOf("model") && STACK.indexOf("tensor") < STACK.indexOf("model"));
    }
}
