package dev.qwenomni.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The ARPA model is well formed and a proper distribution: sum_w p(w | h) = 1 for every history. */
class ArpaLmTest {
    @TempDir
    Path dir;

    @Test
    void backedOffProbabilitiesSumToOne() throws IOException {
        List<String> sentences = List.of("the cat sat on the mat.", "the dog sat on the log.", "a cat saw the dog.",
                "the dog saw a cat on the mat.", "the zebra ate.", "on the log the cat sat.");
        Set<String> dict = Set.of("the", "cat", "sat", "on", "mat", "dog", "log", "a", "saw", "ate");
        Path f = dir.resolve("t.lm");
        assertEquals(5, ArpaLm.write(f, sentences, dict), "the sentence with 'zebra' is left out");
        Map<String, double[]> grams = new HashMap<>(); // ngram -> {log10 p, log10 bow}
        int[] declared = new int[4], found = new int[4];
        int order = 0;
        for (String line : Files.readAllLines(f)) {
            if (line.startsWith("ngram ")) declared[line.charAt(6) - '0'] = Integer.parseInt(line.substring(8));
            else if (line.matches("\\\\[123]-grams:")) order = line.charAt(1) - '0';
            else if (order > 0 && !line.isBlank() && !line.startsWith("\\")) {
                String[] p = line.split("\t");
                grams.put(p[1], new double[]{Double.parseDouble(p[0]), p.length > 2 ? Double.parseDouble(p[2]) : 0});
                found[order]++;
            }
        }
        for (int n = 1; n <= 3; n++) assertEquals(declared[n], found[n], n + "-gram count in the header");
        List<String> vocab = grams.keySet().stream().filter(g -> !g.contains(" ") && !g.equals("<s>")).toList();
        for (String h : List.of("<s>", "the", "<s> the", "the cat", "on the", "sat on", "cat")) {
            double sum = 0;
            for (String w : vocab) sum += Math.pow(10, logp(grams, h, w));
            assertEquals(1.0, sum, 2e-3, "sum over w of p(w | " + h + ")");
        }
    }

    private static double logp(Map<String, double[]> g, String h, String w) {
        double[] e = g.get(h + " " + w);
        if (e != null) return e[0];
        double[] ctx = g.get(h);
        double bow = ctx == null ? 0 : ctx[1];
        int sp = h.indexOf(' ');
        return bow + (sp < 0 ? g.get(w)[0] : logp(g, h.substring(sp + 1), w));
    }
}
