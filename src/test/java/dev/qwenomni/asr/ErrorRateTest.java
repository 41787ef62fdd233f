package dev.qwenomni.asr;

import dev.qwenomni.data.TextNormalizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ErrorRateTest {
    @Test
    void countsSubstitutionsInsertionsDeletions() {
        ErrorRate.Totals t = ErrorRate.score(List.of("The birch canoe slid on the smooth planks."),
                List.of("the birch can you slid on smooth planks"));
        // canoe -> can you (1 substitution + 1 insertion), "the" deleted: 3 edits over 8 words
        assertEquals(3, t.wordEdits());
        assertEquals(8, t.words());
        assertEquals(1, t.substitutions());
        assertEquals(1, t.deletions());
        assertEquals(1, t.insertions());
        assertEquals("S 12.5% D 12.5% I 12.5%", t.split());
        assertEquals(0, ErrorRate.score(List.of("It costs $5."), List.of("it costs five dollars")).wordEdits());
        ErrorRate.Totals empty = ErrorRate.score(List.of("one two"), List.of(""));
        assertEquals(1.0, empty.wer());
        assertEquals(2, empty.deletions());
        ErrorRate.Totals extra = ErrorRate.score(List.of("one two", "three"), List.of("one uh two", "three four five"));
        assertEquals(3, extra.insertions());
        assertEquals(0, extra.substitutions() + extra.deletions());
    }

    @Test
    void theBootstrapIntervalHoldsTheGapAndNarrowsWithMoreUtterances() {
        List<String> refs = new java.util.ArrayList<>(), a = new java.util.ArrayList<>(), b = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            refs.add("one two three four five");
            a.add("one two three four five");
            // every fourth utterance loses a word under b: a gap of 1 in 20 words on average
            b.add(i % 4 == 0 ? "one two three four" : "one two three four five");
        }
        double[] same = ErrorRate.gapInterval(refs, a, a, 0.95, 500, 1);
        assertEquals(0, same[0]);
        assertEquals(0, same[1]);
        double[] gap = ErrorRate.gapInterval(refs, a, b, 0.95, 2000, 1);
        assertTrue(gap[0] > 0 && gap[0] < 0.05 && gap[1] > 0.05 && gap[1] < 0.1, java.util.Arrays.toString(gap));
        List<String> refs4 = new java.util.ArrayList<>(), a4 = new java.util.ArrayList<>(), b4 = new java.util.ArrayList<>();
        for (int k = 0; k < 4; k++) { refs4.addAll(refs); a4.addAll(a); b4.addAll(b); }
        double[] wide = ErrorRate.gapInterval(refs4, a4, b4, 0.95, 2000, 1);
        assertTrue(wide[1] - wide[0] < 0.7 * (gap[1] - gap[0]), "four times the utterances: " + java.util.Arrays.toString(wide));
        var e = assertThrows(IllegalArgumentException.class, () -> ErrorRate.gapInterval(refs, a, List.of("x"), 0.95, 10, 1));
        assertTrue(e.getMessage().contains("40 references but 40 and 1"), e.getMessage());
    }

    @Test
    void normalizerSpellsNumbersAndAbbreviations() {
        assertEquals("Doctor Smith met Mister Jones on the twenty first of May, nineteen eighty four.",
                TextNormalizer.normalize("Dr. Smith met Mr. Jones on the 21st of May, 1984."));
        assertEquals("It rose three point five percent to one thousand two hundred fifty dollars and ten cents.",
                TextNormalizer.normalize("It rose 3.5% to $1,250.10."));
        assertEquals("two thousand", TextNormalizer.normalize("2000"));
        assertEquals("nineteen oh five", TextNormalizer.normalize("1905"));
        assertArrayEquals(new String[]{"don't", "panic"}, TextNormalizer.words("\u201CDon't panic!\u201D"));
    }
}
