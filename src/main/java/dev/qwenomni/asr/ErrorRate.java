package dev.qwenomni.asr;

import dev.qwenomni.data.TextNormalizer;

import java.util.List;

/** Word and character error rates: Levenshtein distance over normalised words or characters. */
public final class ErrorRate {
    /** Summed edits and reference lengths; rates are edits / length. */
    public record Totals(long wordEdits, long words, long charEdits, long chars) {
        public double wer() { return words == 0 ? 0 : (double) wordEdits / words; }
        public double cer() { return chars == 0 ? 0 : (double) charEdits / chars; }
    }

    private ErrorRate() {}

    public static Totals score(List<String> references, List<String> hypotheses) {
        if (references.size() != hypotheses.size())
            throw new IllegalArgumentException(references.size() + " references but " + hypotheses.size() + " hypotheses");
        long we = 0, w = 0, ce = 0, c = 0;
        for (int i = 0; i < references.size(); i++) {
            String[] r = TextNormalizer.words(references.get(i)), h = TextNormalizer.words(hypotheses.get(i));
            we += distance(r, h);
            w += r.length;
            String rs = String.join(" ", r), hs = String.join(" ", h);
            ce += distance(rs.split(""), hs.isEmpty() ? new String[0] : hs.split(""));
            c += rs.length();
        }
        return new Totals(we, w, ce, c);
    }

    static int distance(String[] a, String[] b) {
        int[] prev = new int[b.length + 1], cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) prev[j] = j;
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++)
                cur[j] = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1));
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length];
    }
}
