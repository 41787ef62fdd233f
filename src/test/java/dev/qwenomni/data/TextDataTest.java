package dev.qwenomni.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class TextDataTest {
    @TempDir
    Path dir;

    @Test
    void byteTokenizerRoundTripsUtf8AndWritesAnHfByteLevelVocab() throws IOException {
        ByteTokenizer t = new ByteTokenizer();
        String s = "In the beginning — naïve café, 1611.";
        assertEquals(s, t.decode(t.encode(s)));
        t.writeHf(dir, 512);
        JsonNode root = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
        JsonNode vocab = root.path("model").path("vocab");
        assertEquals(256, vocab.size());
        Set<Integer> ids = new HashSet<>();
        vocab.fields().forEachRemaining(e -> ids.add(e.getValue().asInt()));
        assertEquals(256, ids.size());
        assertEquals(32, vocab.path("Ġ").asInt(), "GPT-2 byte alphabet maps space to U+0120");
        assertEquals(65, vocab.path("A").asInt());
        assertEquals("<|endoftext|>", root.path("added_tokens").get(0).path("content").asText());
        assertEquals(256, root.path("added_tokens").get(0).path("id").asInt());
    }

    @Test
    void corpusSplitIsDeterministicDisjointAndCached() throws IOException {
        Path corpus = dir.resolve("c.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 500; i++) sb.append("Line number ").append(i).append(" of the test text.\n");
        Files.writeString(corpus, sb);
        ByteTokenizer tok = new ByteTokenizer();
        TextCorpus a = TextCorpus.load(corpus, tok, 10, dir.resolve("cache"));
        assertTrue(a.val.length > 0 && a.train.length > a.val.length);
        try (var files = Files.list(dir.resolve("cache"))) { assertEquals(1, files.count()); }
        TextCorpus b = TextCorpus.load(corpus, tok, 10, dir.resolve("cache"));
        assertArrayEquals(a.train, b.train);
        assertArrayEquals(a.val, b.val);
        String val = tok.decode(a.val), train = tok.decode(a.train);
        for (String line : val.split("\n")) assertFalse(("\n" + train).contains("\n" + line + "\n"), line);
        assertTrue(a.unigramEntropy(264) > 1.0);
    }

    @Test
    void batcherResumesAtTheSamePosition() {
        int[] tokens = new int[1000];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i % 251;
        TokenBatcher a = new TokenBatcher(tokens, 16, 3), b = new TokenBatcher(tokens, 16, 3);
        int[] ia = new int[32], ta = new int[32], ib = new int[32], tb = new int[32];
        for (int k = 0; k < 40; k++) a.next(2, ia, ta); // crosses an epoch (61 windows)
        b.seek(a.epoch(), a.index());
        a.next(2, ia, ta);
        b.next(2, ib, tb);
        assertArrayEquals(ia, ib);
        assertArrayEquals(ta, tb);
        for (int i = 0; i < 15; i++) assertEquals((ia[i] + 1) % 251, ta[i], "targets are inputs shifted by one");
    }
}
