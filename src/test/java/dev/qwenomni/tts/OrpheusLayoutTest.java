package dev.qwenomni.tts;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class OrpheusLayoutTest {
    @Test
    void frameOrderAndOffsetsAsOrpheus() {
        int[][] codes = {{5}, {10, 11}, {20, 21, 22, 23}};
        int[] t = OrpheusLayout.ORPHEUS.toTokens(codes);
        int b = 128266, k = 4096;
        assertArrayEquals(new int[]{b + 5, b + k + 10, b + 2 * k + 20, b + 3 * k + 21, b + 4 * k + 11, b + 5 * k + 22, b + 6 * k + 23}, t);
    }

    @Test
    void roundTripForBothCodebookSizes() {
        Random r = new Random(1);
        for (OrpheusLayout layout : new OrpheusLayout[]{OrpheusLayout.ORPHEUS, new OrpheusLayout(300, 1024)}) {
            int n = 9;
            int[][] codes = {new int[n], new int[2 * n], new int[4 * n]};
            for (int[] l : codes) for (int i = 0; i < l.length; i++) l[i] = r.nextInt(layout.codebookSize());
            int[][] back = layout.toCodes(layout.toTokens(codes));
            for (int i = 0; i < 3; i++) assertArrayEquals(codes[i], back[i]);
        }
    }

    /** Tokens of a grown layout sent through a code map are the old layout's tokens of the mapped codes. */
    @Test
    void tokensFromAnotherLayoutFollowTheCodeMap() {
        OrpheusLayout old = new OrpheusLayout(264, 16), grown = new OrpheusLayout(264, 64);
        Random r = new Random(3);
        int[][] map = new int[3][64];
        for (int[] level : map) for (int c = 0; c < 64; c++) level[c] = r.nextInt(16);
        int[] src = grown.tokensFrom(old, map);
        assertEquals(7 * 64, src.length);
        int n = 5;
        int[][] codes = {new int[n], new int[2 * n], new int[4 * n]};
        for (int l = 0; l < 3; l++) for (int i = 0; i < codes[l].length; i++) codes[l][i] = r.nextInt(64);
        int[][] mapped = new int[3][];
        for (int l = 0; l < 3; l++) { mapped[l] = new int[codes[l].length]; for (int i = 0; i < codes[l].length; i++) mapped[l][i] = map[l][codes[l][i]]; }
        int[] tokens = grown.toTokens(codes), expected = old.toTokens(mapped);
        for (int k = 0; k < tokens.length; k++) assertEquals(expected[k], src[tokens[k] - grown.audioBase()], "token " + k);

        map[2][9] = 16;
        var e = assertThrows(IllegalArgumentException.class, () -> grown.tokensFrom(old, map));
        assertTrue(e.getMessage().contains("level 2 sends code 9 to 16"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> grown.tokensFrom(old, new int[][]{new int[64], new int[64], new int[16]}));
        assertTrue(e2.getMessage().contains("16 entries"), e2.getMessage());
    }

    @Test
    void wrongInputIsNamed() {
        OrpheusLayout l = new OrpheusLayout(300, 1024);
        int[] t = l.toTokens(new int[][]{{1}, {2, 3}, {4, 5, 6, 7}});
        int tmp = t[1]; t[1] = t[2]; t[2] = tmp; // swap two positions
        var e = assertThrows(IllegalArgumentException.class, () -> l.toCodes(t));
        assertTrue(e.getMessage().contains("position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> l.toCodes(new int[6]));
        assertThrows(IllegalArgumentException.class, () -> l.toTokens(new int[][]{{1}, {2}, {4, 5, 6, 7}}));
    }
}
