package dev.qwenomni.codec;

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
