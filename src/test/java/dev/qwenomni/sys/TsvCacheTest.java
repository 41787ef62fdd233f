package dev.qwenomni.sys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TsvCacheTest {
    @TempDir
    Path dir;

    @Test
    void entriesRoundTripInOrderWithTabsInValuesKept() throws IOException {
        TsvCache c = new TsvCache(dir.resolve("sub/cache.tsv"));
        assertTrue(c.read().isEmpty(), "a missing file is an empty cache");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("The birch canoe.", "51200\tdh:0.0500 ax:0.1000");
        m.put("a\tkey with a tab\nand a line break", "value with a\nline break");
        m.put("", "empty key");
        c.write(m);
        Map<String, String> back = c.read();
        assertEquals(java.util.List.of("The birch canoe.", "a key with a tab and a line break", ""), java.util.List.copyOf(back.keySet()));
        assertEquals("51200\tdh:0.0500 ax:0.1000", back.get("The birch canoe."), "the value keeps its tabs (split at the first one only)");
        assertEquals("value with a line break", back.get("a key with a tab and a line break"));
    }

    @Test
    void aLineWithoutATabIsNamed() throws IOException {
        Path f = dir.resolve("bad.tsv");
        Files.writeString(f, "ok\tvalue\nbroken line\n");
        IOException e = assertThrows(IOException.class, () -> new TsvCache(f).read());
        assertTrue(e.getMessage().contains("bad.tsv: line 2"), e.getMessage());
    }
}
