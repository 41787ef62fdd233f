package dev.qwenomni.codec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CodecShapesTest {
    @Test
    void lengthsOfTheReal24kHzCodec() {
        SnacCodec c = new SnacCodec(SnacConfig.SNAC_24KHZ);
        float[] padded = c.preprocess(new float[120000]);
        assertEquals(120832, padded.length);
        int T = c.encoder.outLength(padded.length);
        assertEquals(236, T);
        assertArrayEquals(new int[]{59, 118, 236}, new int[]{T / 4, T / 2, T});
        assertEquals(236 * 512, c.decoder.outLength(236));
    }

    @Test
    void realSizeDecoderTurnsRandomCodesIntoAudioOfTheRightLength() {
        SnacCodec c = new SnacCodec(SnacConfig.SNAC_24KHZ);
        c.initialize(3);
        c.setNoise(NoiseSource.seeded(1));
        java.util.Random r = new java.util.Random(5);
        int[][] codes = {new int[1], new int[2], new int[4]};
        for (int[] level : codes) for (int i = 0; i < level.length; i++) level[i] = r.nextInt(4096);
        float[] audio = c.decode(codes);
        assertEquals(4 * 512, audio.length);
        double energy = 0;
        for (float v : audio) { assertTrue(Float.isFinite(v) && Math.abs(v) <= 1f); energy += v * v; }
        assertTrue(energy > 0, "the decoder produced silence");
    }
}
