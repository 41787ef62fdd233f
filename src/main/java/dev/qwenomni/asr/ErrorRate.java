package dev.qwenomni.asr;

import dev.qwenomni.data.TextNormalizer;

import java.util.List;

/** Word and character error rates: Levenshtein distance over normalised words or characters. */
public final class ErrorRate {
    /**
     * Summed edits and reference lengths; rates are edits / length. The word edits split into substitutions,
     * deletions and insertions as one minimal alignment counts them (ties go to a substitution, then a deletion).
     */
    public record Totals(long wordEdits, long words, long charEdits, long chars, long substitutions, long deletions, long insertions) {
        public double wer() { return words == 0 ? 0 : (double) wordEdits / words; }
        public double cer() { return chars == 0 ? 0 : (double) charEdits / chars; }

        /** "S 4.1% D 2.0% I 1.3%": each kind of word edit per reference word. */
        public String split() {
            double w = Math.max(words, 1);
            return String.format(java.util.Locale.ROOT, "S %.1f%% D %.1f%% I %.1f%%",
                    100 * substitutions / w, 100 * deletions / w, 100 * insertions / w);
        }
    }

    private ErrorRate() {}

    public static Totals score(List<String> references, List<String> hypotheses) {
        if (references.size() != hypotheses.size())
            throw new IllegalArgumentException(references.size() + " references but " + hypotheses.size() + " hypotheses");
        long we = 0, w = 0, ce = 0, c = 0, sub = 0, del = 0, ins = 0;
        for (int i = 0; i < references.size(); i++) {
            String[] r = TextNormalizer.words(references.get(i)), h = TextNormalizer.words(hypotheses.get(i));
            int[] sdi = edits(r, h);
            sub += sdi[0];
            del += sdi[1];
            ins += sdi[2];
            we += sdi[0] + sdi[1] + sdi[2];
            w += r.length;
            String rs = String.join(" ", r), hs = String.join(" ", h);
            ce += distance(rs.split(""), hs.isEmpty() ? new String[0] : hs.split(""));
            c += rs.length();
        }
        return new Totals(we, w, ce, c, sub, del, ins);
    }

    /**
     * A percentile interval for WER(b) - WER(a) over the same references, by the paired bootstrap over utterances
     * (Bisani and Ney, 2004): resample the utterances with replacement, keep each one's edits under both hypotheses,
     * and take the gap of the summed edits over the summed words. Returns {low, high} as fractions.
     */
    public static double[] gapInterval(List<String> references, List<String> a, List<String> b, double level, int resamples, long seed) {
        int n = references.size();
        if (a.size() != n || b.size() != n)
            throw new IllegalArgumentException(n + " references but " + a.size() + " and " + b.size() + " hypotheses");
        if (!(level > 0 && level < 1) || resamples < 1) throw new IllegalArgumentException("level " + level + ", resamples " + resamples);
        int[] words = new int[n], editsA = new int[n], editsB = new int[n];
        for (int i = 0; i < n; i++) {
            String[] r = TextNormalizer.words(references.get(i));
            words[i] = r.length;
            editsA[i] = distance(r, TextNormalizer.words(a.get(i)));
            editsB[i] = distance(r, TextNormalizer.words(b.get(i)));
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        double[] gaps = new double[resamples];
        for (int k = 0; k < resamples; k++) {
            long w = 0, ea = 0, eb = 0;
            for (int j = 0; j < n; j++) {
                int i = rnd.nextInt(n);
                w += words[i];
                ea += editsA[i];
                eb += editsB[i];
            }
            gaps[k] = w == 0 ? 0 : (double) (eb - ea) / w;
        }
        java.util.Arrays.sort(gaps);
        double tail = (1 - level) / 2;
        return new double[]{gaps[(int) Math.floor(tail * (resamples - 1))], gaps[(int) Math.ceil((1 - tail) * (resamples - 1))]};
    }

    /** {substitutions, deletions, insertions} of a minimal alignment of hypothesis b to reference a. */
    static int[] edits(String[] a, String[] b) {
        int[][] d = new int[a.length + 1][b.length + 1];
        for (int i = 0; i <= a.length; i++) d[i][0] = i;
        for (int j = 0; j <= b.length; j++) d[0][j] = j;
        for (int i = 1; i <= a.length; i++)
            for (int j = 1; j <= b.length; j++)
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1));
        int s = 0, del = 0, ins = 0, i = a.length, j = b.length;
        while (i > 0 || j > 0) {
            if (i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1)) {
                if (!a[i - 1].equals(b[j - 1])) s++;
                i--;
                j--;
            } else if (i > 0 && d[i][j] == d[i - 1][j] + 1) {
                del++;
                i--;
            } else {
                ins++;
                j--;
            }
        }
        return new int[]{s, del, ins};
    }

    /** Levenshtein distance: the edits of one minimal alignment, of any kind. */
    static int distance(String[] a, String[] b) {
        int[] sdi = edits(a, b);
        return sdi[0] + sdi[1] + sdi[2];
    }
}
