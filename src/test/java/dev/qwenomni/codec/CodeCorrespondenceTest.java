package dev.qwenomni.codec;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Codes of one codec find the codes of another that decode to the nearest latent. */
class CodeCorrespondenceTest {
    private static SnacCodec tiny(int codebookSize, long seed) {
        SnacCodec c = new SnacCodec(TinyCodec.config(codebookSize, true));
        c.initialize(seed);
        return c;
    }

    /** A copy of src whose level-l code j is src's code perm[l][j], each row nudged by noise of relative size rel. */
    private static SnacCodec permuted(SnacCodec src, int[][] perm, double rel, Random r) {
        SnacCodec dst = new SnacCodec(src.config);
        dst.copyWeights(src, name -> true);
        int d = src.config.codebookDim();
        for (int l = 0; l < perm.length; l++) {
            float[] rows = Layers.read(src.quantizers.get(l).codebook), moved = new float[rows.length];
            for (int j = 0; j < perm[l].length; j++)
                for (int i = 0; i < d; i++) {
                    float v = rows[perm[l][j] * d + i];
                    moved[j * d + i] = (float) (v * (1 + rel * r.nextGaussian()));
                }
            Layers.write(dst.quantizers.get(l).codebook, moved);
        }
        return dst;
    }

    @Test
    void aCodecCorrespondsToItselfAndAShuffledCopyToItsShuffle() {
        SnacCodec src = tiny(32, 5);
        int[][] self = CodeCorrespondence.nearest(src, src);
        for (int[] level : self)
            for (int j = 0; j < level.length; j++) assertEquals(j, level[j]);

        Random r = new Random(7);
        int[][] perm = new int[3][];
        for (int l = 0; l < 3; l++) {
            perm[l] = new int[32];
            for (int j = 0; j < 32; j++) perm[l][j] = j;
            for (int j = 31; j > 0; j--) { int k = r.nextInt(j + 1), t = perm[l][j]; perm[l][j] = perm[l][k]; perm[l][k] = t; }
        }
        SnacCodec shuffled = permuted(src, perm, 0.01, r);
        assertArrayEquals(perm, CodeCorrespondence.nearest(src, shuffled));
        // the other way round, the inverse shuffle
        int[][] back = CodeCorrespondence.nearest(shuffled, src);
        for (int l = 0; l < 3; l++)
            for (int j = 0; j < 32; j++) assertEquals(j, perm[l][back[l][j]], "level " + l + " code " + j);
    }

    @Test
    void aLargerBookMapsEachCodeToItsParentAndTheOldCodesToThemselves() {
        SnacCodec src = tiny(16, 3);
        // 64 codes: code j is src's code j % 16 nudged (the first 16 exactly), as growth from encodings would place them
        SnacCodec grown = new SnacCodec(TinyCodec.config(64, true));
        grown.copyWeights(src, name -> !name.endsWith(".codebook.weight"));
        Random r = new Random(11);
        int d = src.config.codebookDim();
        for (int l = 0; l < 3; l++) {
            float[] rows = Layers.read(src.quantizers.get(l).codebook), big = new float[64 * d];
            for (int j = 0; j < 64; j++)
                for (int i = 0; i < d; i++) big[j * d + i] = (float) (rows[(j % 16) * d + i] * (j < 16 ? 1 : 1 + 0.01 * r.nextGaussian()));
            Layers.write(grown.quantizers.get(l).codebook, big);
        }
        int[][] map = CodeCorrespondence.nearest(src, grown);
        for (int l = 0; l < 3; l++) {
            assertEquals(64, map[l].length);
            for (int j = 0; j < 64; j++) assertEquals(j % 16, map[l][j], "level " + l + " code " + j);
        }
    }

    @Test
    void codecsOfAnotherShapeHaveNoCorrespondence() {
        SnacCodec src = tiny(16, 3);
        SnacCodec wider = new SnacCodec(new SnacConfig(24000, 16, new int[]{2, 4, 8, 8}, 64, new int[]{8, 8, 4, 2}, null, 16, 8,
                new int[]{4, 2, 1}, true, true));
        var e = assertThrows(IllegalArgumentException.class, () -> CodeCorrespondence.nearest(src, wider));
        assertTrue(e.getMessage().contains("latent widths 128 and 256"), e.getMessage());
        SnacCodec twoLevels = new SnacCodec(new SnacConfig(24000, 8, new int[]{2, 4, 8, 8}, 64, new int[]{8, 8, 4, 2}, null, 16, 8,
                new int[]{2, 1}, true, true));
        e = assertThrows(IllegalArgumentException.class, () -> CodeCorrespondence.nearest(src, twoLevels));
        assertTrue(e.getMessage().contains("3 and 2 quantizer levels"), e.getMessage());
    }
}
