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
