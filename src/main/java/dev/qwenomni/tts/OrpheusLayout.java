package dev.qwenomni.tts;

import dev.qwenomni.codec.CodeCorrespondence;
import java.util.Arrays;

/**
 * Audio codes inside an LM vocabulary, Orpheus style: one coarse frame (1 code at 12 Hz, 2 at
 * 23 Hz, 4 at 47 Hz for SNAC 24 kHz) becomes 7 tokens in the order
 * L0[i], L1[2i], L2[4i], L2[4i+1], L1[2i+1], L2[4i+2], L2[4i+3], and the token of code c at frame
 * position p is audioBase + p * codebookSize + c. Orpheus itself: audioBase 128266, 4096 codes.
 */
public record OrpheusLayout(int audioBase, int codebookSize) {
    public static final int FRAME = 7;
    /** Position p of the frame takes its code from level LEVEL[p], index within the frame INDEX[p]. */
    static final int[] LEVEL = {0, 1, 2, 2, 1, 2, 2}, INDEX = {0, 0, 0, 1, 1, 2, 3};
    public static final OrpheusLayout ORPHEUS = new OrpheusLayout(128266, 4096);

    public OrpheusLayout {
        if (audioBase < 0 || codebookSize <= 0) throw new IllegalArgumentException("audio base and codebook size must be positive");
    }

    /** The code level (0 coarsest) that frame position p carries. */
    public static int levelOf(int p) { return LEVEL[p]; }

    /** First token id after the audio range. */
    public int end() { return audioBase + FRAME * codebookSize; }

    /** Tokens for codes of the three levels (lengths n, 2n, 4n). */
    public int[] toTokens(int[][] codes) {
        if (codes.length != 3) throw new IllegalArgumentException("the 7-token layout needs 3 code levels, got " + codes.length);
        int n = codes[0].length;
        if (codes[1].length != 2 * n || codes[2].length != 4 * n)
            throw new IllegalArgumentException("code levels of " + codes[0].length + "/" + codes[1].length + "/" + codes[2].length
                    + " are not in the ratio 1:2:4");
        int[] t = new int[FRAME * n];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < FRAME; p++) {
                int level = LEVEL[p], c = codes[level][(1 << level) * i + INDEX[p]];
                if (c < 0 || c >= codebookSize) throw new IllegalArgumentException("code " + c + " outside codebook of " + codebookSize);
                t[FRAME * i + p] = audioBase + p * codebookSize + c;
            }
        return t;
    }

    /** Codes back from whole frames of tokens; a token at the wrong frame position is an error. */
    public int[][] toCodes(int[] tokens) {
        if (tokens.length % FRAME != 0) throw new IllegalArgumentException(tokens.length + " audio tokens is not a whole number of 7-token frames");
        int n = tokens.length / FRAME;
        int[][] codes = {new int[n], new int[2 * n], new int[4 * n]};
        for (int i = 0; i < n; i++)
            for (int p = 0; p < FRAME; p++) {
                int tok = tokens[FRAME * i + p], c = tok - audioBase - p * codebookSize;
                if (c < 0 || c >= codebookSize)
                    throw new IllegalArgumentException("token " + tok + " at frame " + i + " position " + p + " is not a position-" + p + " audio token");
                codes[LEVEL[p]][(1 << LEVEL[p]) * i + INDEX[p]] = c;
            }
        return codes;
    }

    /**
     * For each audio token of this layout (index id - audioBase), the token of {@code from} that carries the
     * corresponding code at the same frame position: codeMap[level][code here] is the code in {@code from}
     * (see {@link CodeCorrespondence}).
     */
    public int[] tokensFrom(OrpheusLayout from, int[][] codeMap) {
        if (codeMap.length != 3) throw new IllegalArgumentException("the 7-token layout needs a code map for 3 levels, got " + codeMap.length);
        int[] src = new int[FRAME * codebookSize];
        for (int p = 0; p < FRAME; p++) {
            int[] m = codeMap[LEVEL[p]];
            if (m.length != codebookSize)
                throw new IllegalArgumentException("code map of level " + LEVEL[p] + " has " + m.length + " entries, not this layout's " + codebookSize + " codes");
            for (int c = 0; c < codebookSize; c++) {
                if (m[c] < 0 || m[c] >= from.codebookSize)
                    throw new IllegalArgumentException("code map of level " + LEVEL[p] + " sends code " + c + " to " + m[c]
                            + ", outside the other layout's " + from.codebookSize + " codes");
                src[p * codebookSize + c] = from.audioBase + p * from.codebookSize + m[c];
            }
        }
        return src;
    }

    /** The token-id range [from, to) allowed at frame position p (for constrained sampling). */
    public int[] allowedRange(int p) {
        return new int[]{audioBase + p * codebookSize, audioBase + (p + 1) * codebookSize};
    }

    @Override
    public String toString() { return "OrpheusLayout[base " + audioBase + ", " + codebookSize + " codes, " + Arrays.toString(LEVEL) + "]"; }
}
