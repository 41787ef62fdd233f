package dev.qwenomni.codec;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Streamed audio equals the one-shot decode sample for sample, with noise on (seeded by position). */
class StreamingDecoderTest {
    /**
     * With the direct conv loops the streamed samples are bit-identical; with the gemm kernel they
     * agree to float rounding, because BLAS picks its summation blocking from the matrix width,
     * which differs between a window and the whole sequence.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(dev.qwenomni.nn.ConvKernel.class)
    void streamingEqualsOneShotDecode(dev.qwenomni.nn.ConvKernel kernel) throws Exception {
        double tolerance = kernel == dev.qwenomni.nn.ConvKernel.DIRECT ? 0 : 1e-5;
        int everyPush = streamAndCompare(kernel, tolerance, 1);
        int growing = streamAndCompare(kernel, tolerance, StreamingDecoder.DEFAULT_MAX_CHUNK);
        // growing windows re-decode the context fewer times for the same samples
        assertTrue(growing < everyPush, "windows: growing " + growing + ", one per push " + everyPush);
    }

    @Test
    void rejectsAnEmptyChunk() throws Exception {
        SnacCodec codec;
        try (var r = dev.qwenomni.io.SafeTensors.open(SnacFixtureParityTest.FIXTURE)) {
            codec = SnacFixtureParityTest.load(r);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new StreamingDecoder(codec, NoiseSource.seeded(9), 0));
        assertTrue(e.getMessage().contains("maxChunk"), e.getMessage());
    }

    /** Streams random codes a coarse frame at a time; returns how many windows produced audio. */
    private int streamAndCompare(dev.qwenomni.nn.ConvKernel kernel, double tolerance, int maxChunk) throws Exception {
        SnacCodec codec;
        try (var r = dev.qwenomni.io.SafeTensors.open(SnacFixtureParityTest.FIXTURE)) {
            codec = SnacFixtureParityTest.load(r); // the snac package's weights: realistic activation scales
        }
        codec.useConvKernel(kernel);
        int coarse = 9; // coarse frames; 36 latent frames at the finest level
        Random r = new Random(2);
        int[][] codes = {new int[coarse], new int[2 * coarse], new int[4 * coarse]};
        for (int[] l : codes) for (int i = 0; i < l.length; i++) l[i] = r.nextInt(64);
        float[] oneShot = codec.decode(codes, NoiseSource.seeded(9));

        StreamingDecoder s = new StreamingDecoder(codec, NoiseSource.seeded(9), maxChunk);
        assertTrue(s.contextLeft() > 0 && s.contextRight() > 0);
        float[] streamed = new float[0];
        int firstAudioAfter = -1, windows = 0;
        for (int f = 0; f < coarse; f++) {
            float[] chunk = s.push(new int[][]{{codes[0][f]}, {codes[1][2 * f], codes[1][2 * f + 1]},
                    {codes[2][4 * f], codes[2][4 * f + 1], codes[2][4 * f + 2], codes[2][4 * f + 3]}});
            if (chunk.length > 0 && firstAudioAfter < 0) firstAudioAfter = f;
            if (chunk.length > 0) windows++;
            streamed = concat(streamed, chunk);
        }
        streamed = concat(streamed, s.finish());
        assertTrue(firstAudioAfter >= 0 && firstAudioAfter < coarse - 1, "audio starts before the end of the codes");
        assertEquals(oneShot.length, streamed.length);
        if (tolerance == 0) {
            assertArrayEquals(oneShot, streamed, "streamed vs one-shot samples");
        } else {
            double max = 0, err = 0;
            for (int i = 0; i < oneShot.length; i++) { max = Math.max(max, Math.abs(oneShot[i])); err = Math.max(err, Math.abs(oneShot[i] - streamed[i])); }
            assertTrue(err <= tolerance * max, "streamed vs one-shot: max error " + err + " of max " + max);
        }
        return windows;
    }

    @Test
    void contextOfTheReal24kHzDecoder() {
        int[] ctx = new SnacCodec(SnacConfig.SNAC_24KHZ).decoderContext();
        // about +-10 latent frames (+-200 ms), as the spec says
        assertTrue(ctx[0] >= 5 && ctx[0] <= 15 && ctx[1] >= 5 && ctx[1] <= 15, java.util.Arrays.toString(ctx));
    }

    static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
