package dev.qwenomni.asr;

import dev.qwenomni.data.TextNormalizer;
import dev.qwenomni.sys.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A trigram language model in ARPA format, interpolated Kneser-Ney with one discount (0.75),
 * written in backoff form (the interpolation weight of a context is its backoff weight).
 * Sentences with words outside the recogniser's dictionary are left out.
 */
public final class ArpaLm {
    static final double D = 0.75;

    private ArpaLm() {}

    public static int write(Path file, List<String> sentences, Set<String> dictionary) throws IOException {
        // counts of trigrams, and the bigram/unigram continuation counts Kneser-Ney uses
        Map<String, Integer> c3 = new HashMap<>(), c2raw = new HashMap<>();
        int used = 0;
        for (String s : sentences) {
            String[] w = TextNormalizer.words(s);
            boolean ok = w.length > 0;
            for (String x : w) if (!dictionary.contains(x)) { ok = false; break; }
            if (!ok) continue;
            used++;
            String[] t = new String[w.length + 2];
            t[0] = "<s>";
            System.arraycopy(w, 0, t, 1, w.length);
            t[t.length - 1] = "</s>";
            for (int i = 0; i + 1 < t.length; i++) c2raw.merge(t[i] + " " + t[i + 1], 1, Integer::sum);
            for (int i = 0; i + 2 < t.length; i++) c3.merge(t[i] + " " + t[i + 1] + " " + t[i + 2], 1, Integer::sum);
        }
        if (used == 0) throw new IOException(file + ": no sentence is fully in the dictionary; cannot build an LM");
        // bigram counts for the middle order: continuation counts N1+(. v w), raw counts after <s>
        Map<String, Integer> c2 = new HashMap<>();
        for (String g : c3.keySet()) c2.merge(g.substring(g.indexOf(' ') + 1), 1, Integer::sum);
        for (var e : c2raw.entrySet()) if (e.getKey().startsWith("<s> ")) c2.put(e.getKey(), e.getValue());
        Map<String, Integer> c1 = new HashMap<>();
        for (String g : c2.keySet()) c1.merge(g.substring(g.indexOf(' ') + 1), 1, Integer::sum);
        double total1 = c1.values().stream().mapToInt(Integer::intValue).sum();

        Map<String, Double> p1 = new TreeMap<>();
        for (var e : c1.entrySet()) p1.put(e.getKey(), e.getValue() / total1);
        // context sums and distinct followers
        Map<String, int[]> ctx2 = contexts(c2), ctx3 = contexts(c3);
        Map<String, Double> p2 = new TreeMap<>(), bow1 = new HashMap<>();
        for (var e : c2.entrySet()) {
            String v = e.getKey().substring(0, e.getKey().indexOf(' ')), w = e.getKey().substring(e.getKey().indexOf(' ') + 1);
            int[] cs = ctx2.get(v);
            double lambda = D * cs[1] / cs[0];
            p2.put(e.getKey(), Math.max(e.getValue() - D, 0) / cs[0] + lambda * p1.getOrDefault(w, 0.0));
            bow1.put(v, lambda);
        }
        Map<String, Double> p3 = new TreeMap<>(), bow2 = new HashMap<>();
        for (var e : c3.entrySet()) {
            String g = e.getKey();
            int sp = g.lastIndexOf(' ');
            String uv = g.substring(0, sp), vw = g.substring(g.indexOf(' ') + 1);
            int[] cs = ctx3.get(uv);
            double lambda = D * cs[1] / cs[0];
            Double lower = p2.get(vw);
            if (lower == null) lower = bow1.getOrDefault(uv.substring(uv.indexOf(' ') + 1), 1.0) * p1.getOrDefault(g.substring(sp + 1), 0.0);
            p3.put(g, Math.max(e.getValue() - D, 0) / cs[0] + lambda * lower);
            bow2.put(uv, lambda);
        }
        StringBuilder sb = new StringBuilder("\\data\\\n");
        sb.append("ngram 1=").append(p1.size() + 1).append('\n');
        sb.append("ngram 2=").append(p2.size()).append('\n');
        sb.append("ngram 3=").append(p3.size()).append("\n\n\\1-grams:\n");
        sb.append("-99.0000\t<s>\t").append(fmt(Math.log10(bow1.getOrDefault("<s>", 1.0)))).append('\n');
        for (var e : p1.entrySet()) {
            sb.append(fmt(Math.log10(e.getValue()))).append('\t').append(e.getKey());
            Double b = bow1.get(e.getKey());
            if (b != null) sb.append('\t').append(fmt(Math.log10(b)));
            sb.append('\n');
        }
        sb.append("\n\\2-grams:\n");
        for (var e : p2.entrySet()) {
            sb.append(fmt(Math.log10(e.getValue()))).append('\t').append(e.getKey());
            Double b = bow2.get(e.getKey());
            if (b != null) sb.append('\t').append(fmt(Math.log10(b)));
            sb.append('\n');
        }
        sb.append("\n\\3-grams:\n");
        for (var e : p3.entrySet()) sb.append(fmt(Math.log10(e.getValue()))).append('\t').append(e.getKey()).append('\n');
        sb.append("\n\\end\\\n");
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return used;
    }

    /** For each context (all but the last word): {total count, distinct followers}. */
    private static Map<String, int[]> contexts(Map<String, Integer> counts) {
        Map<String, int[]> m = new HashMap<>();
        for (var e : counts.entrySet()) {
            String ctx = e.getKey().substring(0, e.getKey().lastIndexOf(' '));
            int[] a = m.computeIfAbsent(ctx, k -> new int[2]);
            a[0] += e.getValue();
            a[1]++;
        }
        return m;
    }

    private static String fmt(double x) { return String.format(Locale.ROOT, "%.4f", x); }
}
