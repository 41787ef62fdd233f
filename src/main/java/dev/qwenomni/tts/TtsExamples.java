package dev.qwenomni.tts;

import dev.qwenomni.speech.ManifestEntry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Training sequences from the speech data: for each clip, the voice and the front-end's symbols
 * as text tokens, the clip's codec codes as audio tokens, in one Orpheus-layout sequence.
 */
public final class TtsExamples {
    /** One clip as a token sequence; the model predicts from promptLength - 1 on. */
    public record Example(String id, String voice, String split, int[] tokens, int promptLength, int symbols, double seconds) {}

    private TtsExamples() {}

    /** The text the model reads for a voice: "voice: symbols" (Orpheus prefixes the voice name the same way). */
    public static String promptText(String voice, String symbols) { return voice + ": " + symbols; }

    private static final dev.qwenomni.data.ByteTokenizer BYTES = new dev.qwenomni.data.ByteTokenizer();

    /** Text tokens: the UTF-8 bytes, as the text LM's byte tokenizer encodes them. */
    public static int[] textIds(String s) { return BYTES.encode(s); }

    /** Each example's audio under the next example's prompt (the last takes the first's): text that does not match. */
    public static List<Example> withNeighbourText(List<Example> xs) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            Example e = xs.get(i), o = xs.get((i + 1) % xs.size());
            int audio = e.tokens().length - e.promptLength();
            int[] t = java.util.Arrays.copyOf(o.tokens(), o.promptLength() + audio);
            System.arraycopy(e.tokens(), e.promptLength(), t, o.promptLength(), audio);
            out.add(new Example(e.id(), e.voice(), e.split(), t, o.promptLength(), o.symbols(), e.seconds()));
        }
        return out;
    }

    public static List<Example> build(List<ManifestEntry> entries, Map<String, int[][]> codes, TextFrontEnd frontEnd,
                                      SpeechTokens tokens, Path phonemeCache) throws IOException {
        List<String> texts = entries.stream().map(ManifestEntry::text).toList();
        List<String> symbols = frontEnd.symbols(texts, phonemeCache);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ManifestEntry e = entries.get(i);
            int[][] c = codes.get(e.id());
            if (c == null) throw new IOException("no codes for clip " + e.id());
            // whole coarse frames only: the layout needs levels in the ratio 1:2:4
            int n = c[0].length;
            int[][] whole = {c[0], java.util.Arrays.copyOf(c[1], 2 * n), java.util.Arrays.copyOf(c[2], 4 * n)};
            int[] text = textIds(promptText(e.speaker(), symbols.get(i)));
            int[] seq = tokens.sequence(text, tokens.audio().toTokens(whole));
            out.add(new Example(e.id(), e.speaker(), e.split(), seq, tokens.prompt(text).length, symbols.get(i).length(), e.duration()));
        }
        return out;
    }
}
