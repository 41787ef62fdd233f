package dev.qwenomni.tts;

import dev.qwenomni.speech.FliteAlignments;
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
    /**
     * One clip as a token sequence; the model predicts from promptLength - 1 on. frameCenters,
     * when the teacher's timings are known: for each coarse audio frame, the middle of the phone
     * being spoken, in bytes from the start of the symbols (else null).
     */
    public record Example(String id, String voice, String split, int[] tokens, int promptLength, int symbols, double seconds,
                          float[] frameCenters) {
        public Example(String id, String voice, String split, int[] tokens, int promptLength, int symbols, double seconds) {
            this(id, voice, split, tokens, promptLength, symbols, seconds, null);
        }
    }

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
            out.add(new Example(e.id(), e.voice(), e.split(), t, o.promptLength(), o.symbols(), e.seconds(), null));
        }
        return out;
    }

    public static List<Example> build(List<ManifestEntry> entries, Map<String, int[][]> codes, TextFrontEnd frontEnd,
                                      SpeechTokens tokens, Path phonemeCache) throws IOException {
        return build(entries, codes, frontEnd, tokens, phonemeCache, null, 0);
    }

    /** As above; with alignments (by text, the flite-phones front-end) each example gets its frame centres. */
    public static List<Example> build(List<ManifestEntry> entries, Map<String, int[][]> codes, TextFrontEnd frontEnd,
                                      SpeechTokens tokens, Path phonemeCache, Map<String, FliteAlignments.Alignment> alignments,
                                      double frameRate) throws IOException {
        if (alignments != null && frontEnd != TextFrontEnd.FLITE_PHONES)
            throw new IllegalArgumentException("teacher alignments are in flite's phones: they need the flite-phones front-end, not " + frontEnd.id());
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
            float[] centers = alignments == null ? null : frameCenters(e, symbols.get(i), alignments.get(e.text()), n, frameRate);
            out.add(new Example(e.id(), e.speaker(), e.split(), seq, tokens.prompt(text).length, symbols.get(i).length(), e.duration(), centers));
        }
        return out;
    }

    /**
     * For each of n coarse frames, the byte middle of the phone the teacher spoke at the frame's
     * centre, within symbols (the phone names joined by spaces). Refuses an alignment whose phones
     * or length do not match the clip.
     */
    static float[] frameCenters(ManifestEntry e, String symbols, FliteAlignments.Alignment a, int n, double frameRate) throws IOException {
        if (a == null) throw new IOException("clip " + e.id() + ": no teacher alignment for \"" + e.text() + "\"");
        List<FliteAlignments.Phone> phones = a.phones();
        String names = String.join(" ", phones.stream().map(FliteAlignments.Phone::name).toList());
        if (!names.equals(symbols))
            throw new IOException("clip " + e.id() + ": the alignment's phones \"" + names + "\" differ from the front-end's \"" + symbols + "\"");
        if (Math.abs(a.seconds() - e.duration()) > 0.002)
            throw new IOException("clip " + e.id() + ": the alignment is of a " + a.seconds() + " s rendering, the clip is " + e.duration() + " s");
        float[] mid = new float[phones.size()];
        int at = 0;
        for (int p = 0; p < phones.size(); p++) {
            int len = phones.get(p).name().length();
            mid[p] = at + len / 2f;
            at += len + 1;
        }
        float[] out = new float[n];
        int p = 0;
        for (int f = 0; f < n; f++) {
            double t = (f + 0.5) / frameRate;
            while (p < phones.size() - 1 && phones.get(p).end() <= t) p++;
            out[f] = mid[p];
        }
        return out;
    }
}
