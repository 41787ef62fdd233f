package dev.qwenomni.data;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Real text read as a person would: each rule of SpokenText, and the chunk limit. */
class SpokenTextTest {
    static String spoken(String text) {
        return String.join(" | ", SpokenText.read(text).texts());
    }

    /** What the model finally reads: SpokenText, then TextNormalizer (numbers, money) per chunk. */
    static String read(String text) {
        return String.join(" | ", SpokenText.read(text).texts().stream().map(TextNormalizer::normalize).toList());
    }

    @Test
    void theIssuesSentenceIsOneSentenceWithItsDateTimeAndMoneySpoken() {
        assertEquals("Doctor Smith paid three dollars and fifty cents on December fifth, twenty twenty four at five p m.",
                read("Dr. Smith paid $3.50 on 12/05/2024 at 5 p.m."));
    }

    @Test
    void datesInUsAndIsoForm() {
        assertEquals("It opened on December fifth, twenty twenty four.", read("It opened on 2024-12-05."));
        assertEquals("Due July fourth, nineteen oh nine.", read("Due 7/4/1909."));
        assertEquals("Not a date: thirteen slash forty slash two thousand.", read("Not a date: 13/40/2000."));
    }

    @Test
    void timesTwelveAndTwentyFourHour() {
        assertEquals("Meet at ten oh five a m or seventeen forty five.", read("Meet at 10:05 am or 17:45."));
        assertEquals("The shop opens at nine o'clock.", read("The shop opens at 9:00."));
        assertEquals("Leave at half past, about six thirty p m.", read("Leave at half past, about 6:30 PM."));
    }

    @Test
    void unitsWithTheirNumbersInSingularAndPlural() {
        assertEquals("It weighs one kilogram and runs five kilometers at twenty degrees Celsius, six feet high.",
                read("It weighs 1 kg and runs 5 km at 20°C, 6 ft high."));
        assertEquals("The limit is sixty miles per hour.", read("The limit is 60 mph."));
    }

    @Test
    void abbreviationsAndInitialsEndNoSentence() {
        assertEquals("The U S team met J R Smith, for example on Main Street today.",
                spoken("The U.S. team met J. R. Smith, e.g. on Main St. today."));
        assertEquals(1, SpokenText.read("Mr. and Mrs. Jones met Prof. Brown.").chunks().size());
    }

    @Test
    void symbolsAddressesAndLinksAreReadOut() {
        assertEquals("three plus four equals seven, fifty percent off, A and B.", read("3 + 4 = 7, 50% off, A & B."));
        assertEquals("Write to me dot smith at example dot com.", spoken("Write to me.smith@example.com."));
        assertEquals("See www dot example dot com slash docs today.", spoken("See https://www.example.com/docs today."));
    }

    @Test
    void sentencesSplitAtTheirEnds() {
        List<SpokenText.Chunk> c = SpokenText.read("It rained. We stayed in! Did you? \"Yes.\" Then we left.").chunks();
        assertEquals(List.of("It rained.", "We stayed in!", "Did you?", "\"Yes.\"", "Then we left."), c.stream().map(SpokenText.Chunk::text).toList());
        assertTrue(c.stream().allMatch(x -> x.pauseSeconds() == SpokenText.SENTENCE_PAUSE));
    }

    @Test
    void aLongSentenceIsCutAtClausesThenWordsWithShorterPauses() {
        String clauses = "When the rain came down upon the hills and the rivers rose beyond their banks, "
                + "the people of the valley gathered their animals and their grain and climbed to the high ground, "
                + "where they waited for many days until the waters went down again and the fields could be sown.";
        List<SpokenText.Chunk> c = SpokenText.read(clauses).chunks();
        assertTrue(c.size() >= 3, c.toString());
        for (SpokenText.Chunk x : c) assertTrue(x.text().split(" ").length <= SpokenText.DEFAULT_MAX_WORDS, x.text());
        for (int i = 0; i < c.size(); i++)
            assertEquals(i + 1 < c.size() ? SpokenText.CLAUSE_PAUSE : SpokenText.SENTENCE_PAUSE, c.get(i).pauseSeconds());
        assertEquals(words(clauses), words(String.join(" ", c.stream().map(SpokenText.Chunk::text).toList())), "no word lost or added");
        String run = "one two three four five six seven eight nine ten ".repeat(5).strip() + ".";
        List<String> pieces = SpokenText.read(run).texts();
        assertEquals(3, pieces.size(), pieces.toString());
        assertEquals(words(run), words(String.join(" ", pieces)));
    }

    @Test
    void unspeakableCharactersAreDroppedAndReportedAccentsFolded() {
        SpokenText.Reading r = SpokenText.read("Hello \uD83D\uDE00 world \u4E2D\u6587, a caf\u00E9 na\u00EFve r\u00E9sum\u00E9.");
        assertEquals(List.of("Hello world, a cafe naive resume."), r.texts());
        assertEquals(List.of("\uD83D\uDE00", "\u4E2D", "\u6587"), r.dropped());
    }

    @Test
    void controlCharactersAndTerminalEscapesAreNotSpoken() {
        assertEquals("Red alert now.", spoken("\u001B[31mRed\u001B[0m alert\u0007 now\u200B."));
    }

    @Test
    void textWithNothingSpeakableIsAnError() {
        for (String s : List.of("\uD83D\uDE00\uD83D\uDE00", "...!?", "\u4E2D\u6587", "   ", "\u001B[2J")) {
            var e = assertThrows(IllegalArgumentException.class, () -> SpokenText.read(s), s);
            assertTrue(e.getMessage().startsWith("nothing speakable in the text"), e.getMessage());
        }
    }

    @Test
    void bibleProseNeverExceedsTheChunkLimit() throws Exception {
        StringBuilder prose = new StringBuilder();
        try (var r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(Path.of("data/corpus/kjv.txt.gz"))),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && prose.length() < 10_000) prose.append(line).append(' ');
        }
        List<String> chunks = SpokenText.read(prose.toString()).texts();
        assertTrue(chunks.size() > 50, "chunks " + chunks.size());
        for (String c : chunks) assertTrue(c.split(" ").length <= SpokenText.DEFAULT_MAX_WORDS, c);
        assertEquals(words(prose.toString()), words(String.join(" ", chunks)), "the prose is read whole");
    }

    /** data/eval/real-text.tsv: 32 lines of dates, times, money, units, abbreviations and symbols, each with its spoken form. */
    @Test
    void everyLineOfTheRealTextListIsReadAsAPersonWould() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("data/eval/real-text.tsv")).stream().filter(l -> !l.startsWith("#")).toList();
        assertTrue(lines.size() >= 30, "lines " + lines.size());
        for (String line : lines) {
            String[] f = line.split("\t");
            assertEquals(f[1], read(f[0]), "read aloud: " + f[0]);
        }
    }

    private static List<String> words(String s) {
        return List.of(s.toLowerCase().replaceAll("[^a-z0-9' ]", " ").strip().split("\\s+"));
    }
}
