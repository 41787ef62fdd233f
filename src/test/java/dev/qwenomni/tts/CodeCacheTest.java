package dev.qwenomni.tts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class CodeCacheTest {
    @TempDir
    Path dir;

    @Test
    void codesRoundTripThroughTheTextFormat() throws IOException {
        int[][] levels = {{5, 0, 4095}, {1, 2, 3, 4, 5, 6}, {}};
        assertEquals("5,0,4095;1,2,3,4,5,6;", CodeCache.format(levels));
        assertArrayEquals(levels, CodeCache.parse(dir, "c", CodeCache.format(levels)));
        IOException e = assertThrows(IOException.class, () -> CodeCache.parse(dir.resolve("x.tsv"), "clip7", "1,2;x"));
        assertTrue(e.getMessage().contains("clip7"), e.getMessage());
    }

    /** A cache from before the TSV format (JSON) is still read, so no clip is encoded again. */
    @Test
    void aLegacyJsonCacheIsRead() throws Exception {
        String sha = "ab".repeat(32);
        Files.writeString(dir.resolve("codes-" + sha.substring(0, 16) + ".json"), "{\"clip1\":[[1,2],[3,4,5,6],[7]]}");
        assertArrayEquals(new int[][]{{1, 2}, {3, 4, 5, 6}, {7}}, new CodeCache(dir, sha).cached("clip1"));
    }
}
