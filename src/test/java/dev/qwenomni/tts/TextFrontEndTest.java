package dev.qwenomni.tts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextFrontEndTest {
    @TempDir Path tmp;

    @Test
    void graphemesAreNormalisedLowerCaseText() throws Exception {
        assertEquals("doctor smith paid twelve dollars on the third day.",
                TextFrontEnd.GRAPHEMES.symbols("Dr. Smith paid $12 on the 3rd day.", tmp));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextFrontEnd.parse("letters"));
        assertEquals("unknown text front-end 'letters' (choose graphemes, phonemes or flite-phones)", e.getMessage());
        assertEquals(TextFrontEnd.FLITE_PHONES, TextFrontEnd.parse(TextFrontEnd.FLITE_PHONES.id()), "the saved id parses back");
    }

    @Test
    void phonemesComeFromEspeakAndAreCached() throws Exception {
        dev.qwenomni.Requires.that(TextFrontEnd.Phonemizer.available(), "espeak-ng not installed");
        List<String> p = TextFrontEnd.PHONEMES.symbols(List.of("The birch canoe slid on the smooth planks.", "Is it 5, or not?"), tmp);
        assertTrue(p.get(0).contains("bˈɜːtʃ") && p.get(0).endsWith("."), p.get(0));
        assertTrue(p.get(1).contains("fˈaɪv") && p.get(1).contains(",") && p.get(1).endsWith("?"), p.get(1));
        Path cache = tmp.resolve("espeak-ng-en-us.tsv");
        assertEquals(2, Files.readAllLines(cache).size());
        // a second call reads the cache (an edited entry shows through)
        Files.writeString(cache, Files.readString(cache).replace("bˈɜːtʃ", "BIRCH"));
        assertTrue(TextFrontEnd.PHONEMES.symbols("The birch canoe slid on the smooth planks.", tmp).contains("BIRCH"));
    }
}
