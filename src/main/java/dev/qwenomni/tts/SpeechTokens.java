package dev.qwenomni.tts;


import java.util.Arrays;

/**
 * One vocabulary for text and audio, Orpheus style: text tokens, the special tokens around them,
 * and the audio codes in the 7-token frame layout. A prompt is
 * [start_of_human] text [end_of_text] [end_of_human] [start_of_ai] [start_of_speech]; a training
 * sequence continues with the frames, [end_of_speech] [end_of_ai].
 */
public record SpeechTokens(int endOfText, int pad, int startOfHuman, int endOfHuman, int startOfAi, int endOfAi,
                           int startOfSpeech, int endOfSpeech, OrpheusLayout audio) {

    /** Orpheus's own ids (Llama-3 tokenizer, SNAC 24 kHz with 4096 codes). */
    public static final SpeechTokens ORPHEUS = new SpeechTokens(128009, 128263, 128259, 128260, 128261, 128262, 128257, 128258,
            OrpheusLayout.ORPHEUS);

    /** Ours: UTF-8 bytes 0-255 as text, specials 256-263, audio from 264. */
    public static SpeechTokens bytes(int codebookSize) {
        return new SpeechTokens(256, 257, 258, 259, 260, 261, 262, 263, new OrpheusLayout(264, codebookSize));
    }

    /** Smallest vocabulary holding every id. */
    public int vocabSize() {
        int max = audio.end();
        for (int s : specials()) max = Math.max(max, s + 1);
        return max;
    }

    int[] specials() { return new int[]{endOfText, pad, startOfHuman, endOfHuman, startOfAi, endOfAi, startOfSpeech, endOfSpeech}; }

    public int[] prompt(int[] text) {
        int[] p = new int[text.length + 5];
        p[0] = startOfHuman;
        System.arraycopy(text, 0, p, 1, text.length);
        p[text.length + 1] = endOfText;
        p[text.length + 2] = endOfHuman;
        p[text.length + 3] = startOfAi;
        p[text.length + 4] = startOfSpeech;
        return p;
    }

    /** prompt(text), the audio tokens, [end_of_speech] [end_of_ai]. */
    public int[] sequence(int[] text, int[] audioTokens) {
        int[] p = prompt(text), s = Arrays.copyOf(p, p.length + audioTokens.length + 2);
        System.arraycopy(audioTokens, 0, s, p.length, audioTokens.length);
        s[s.length - 2] = endOfSpeech;
        s[s.length - 1] = endOfAi;
        return s;
    }

    /**
     * The frame grammar: the ids that may follow audioSoFar generated audio tokens. Inside a frame
     * only the codes of the next frame position; at a frame boundary also end_of_speech (after at
     * least minFrames frames).
     */
    public int[] allowedAfter(int audioSoFar, int minFrames) {
        int p = audioSoFar % OrpheusLayout.FRAME;
        int[] range = audio.allowedRange(p);
        boolean canStop = p == 0 && audioSoFar / OrpheusLayout.FRAME >= minFrames;
        int[] ids = new int[range[1] - range[0] + (canStop ? 1 : 0)];
        for (int i = range[0]; i < range[1]; i++) ids[i - range[0]] = i;
        if (canStop) ids[ids.length - 1] = endOfSpeech;
        return ids;
    }

    public boolean isAudio(int id) { return id >= audio.audioBase() && id < audio.end(); }

    /** Frame position (0-6) of an audio token, or -1. */
    public int framePosition(int id) { return isAudio(id) ? (id - audio.audioBase()) / audio.codebookSize() : -1; }
}
