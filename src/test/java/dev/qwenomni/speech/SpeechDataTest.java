package dev.qwenomni.speech;

import dev.qwenomni.data.SpeechSentences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SpeechDataTest {
    @TempDir
    Path dir;

    @Test
    void sentencesAreSplitNormalisedAndFiltered() {
        List<String> s = SpeechSentences.sentences("And God said, Let there be light: and there was light. Amen. "
                + "He paid $20 for 3 loaves. See http://x.y/z now.");
        assertTrue(s.contains("And God said, Let there be light: and there was light."), s.toString());
        assertTrue(s.contains("He paid twenty dollars for three loaves."), s.toString());
        assertFalse(s.stream().anyMatch(x -> x.startsWith("Amen")), "one-word sentences dropped");
        assertFalse(s.stream().anyMatch(x -> x.contains("http")), "unspeakable text dropped");
    }

    @Test
    void heldOutTestSentencesNeverLandInTraining() throws IOException {
        List<String> test = SpeechSentences.readTestList(Path.of("data/speech/test_sentences.txt"));
        assertTrue(test.size() >= 200, "at least 200 held-out sentences, got " + test.size());
        Set<String> keys = new HashSet<>();
        for (String t : test) keys.add(SpeechSentences.key(t));
        var all = SpeechSentences.load(Path.of("data/corpus/kjv.txt.gz"), keys);
        for (var s : all)
            if (keys.contains(SpeechSentences.key(s.text()))) assertEquals("test", s.split(), s.text());
            else assertNotEquals("test", s.split(), s.text());
        assertTrue(all.stream().filter(s -> s.split().equals("val")).count() > 100);
    }

    @Test
    void ljspeechFolderLoads() throws IOException {
        Path ds = dir.resolve("myvoice");
        Files.createDirectories(ds.resolve("wavs"));
        Files.copy(Path.of("src/test/resources/speech/birch_flite_rms_16k.wav"), ds.resolve("wavs/b1.wav"));
        Files.copy(Path.of("src/test/resources/speech/glue_flite_awb_16k.wav"), ds.resolve("wavs/g1.wav"));
        Files.writeString(ds.resolve("metadata.csv"), "b1|The birch canoe slid on the smooth planks.|The birch canoe slid on the smooth planks.\n"
                + "g1|Glue the sheet to the dark blue background.\n");
        List<ManifestEntry> e = LjSpeechLoader.load(ds);
        assertEquals(2, e.size());
        assertEquals("myvoice", e.get(0).speaker());
        assertEquals(2.92, e.get(0).duration(), 0.01);
        assertEquals(ds.resolve("wavs/g1.wav").toAbsolutePath(), ds.toAbsolutePath().resolve(e.get(1).path()));
        Files.writeString(ds.resolve("metadata.csv"), "b1|ok text\nnope\n");
        IOException ex = assertThrows(IOException.class, () -> LjSpeechLoader.load(ds));
        assertTrue(ex.getMessage().contains("line 2"), ex.getMessage());
        Files.writeString(ds.resolve("metadata.csv"), "zz|missing audio\n");
        ex = assertThrows(IOException.class, () -> LjSpeechLoader.load(ds));
        assertTrue(ex.getMessage().contains("zz.wav"), ex.getMessage());
    }
}
