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
        java.util.Random r = new java.util.Random(5);
        int[][] codes = {new int[1], new int[2], new int[4]};
        for (int[] level : codes) for (int i = 0; i < level.length; i++) level[i] = r.nextInt(4096);
        float[] audio = c.decode(codes, NoiseSource.seeded(1));
        assertEquals(4 * 512, audio.length);
        double energy = 0;
        for (float v : audio) { assertTrue(Float.isFinite(v) && Math.abs(v) <= 1f); energy += v * v; }
        assertTrue(energy > 0, "the decoder produced silence");
    }

    /** SNAC 32 kHz (specs/snac.md): LocalMHA after the encoder blocks and after the decoder's input convs. */
    @Test
    void the32kHzLayoutHasItsAttentionWhereSnacPutsIt() {
        SnacConfig cfg = new SnacConfig(32000, 64, new int[]{2, 3, 8, 8}, 1536, new int[]{8, 8, 3, 2}, 32, 4096, 8,
                new int[]{8, 4, 2, 1}, true, true);
        SnacCodec c = new SnacCodec(cfg);
        java.util.Map<String, long[]> shapes = new java.util.HashMap<>();
        for (var p : c.params.params()) shapes.put(p.name, p.shape);
        assertArrayEquals(new long[]{3072, 1024}, shapes.get("encoder.block.5.to_qkv.weight"));
        assertArrayEquals(new long[]{1024, 1024}, shapes.get("encoder.block.5.to_out.weight"));
        assertArrayEquals(new long[]{1024}, shapes.get("encoder.block.5.norm.bias"));
        assertArrayEquals(new long[]{32}, shapes.get("encoder.block.5.rel_pos.inv_freq"));
        assertArrayEquals(new long[]{1024, 1, 7}, shapes.get("encoder.block.6.parametrizations.weight.original1"));
        assertArrayEquals(new long[]{4608, 1536}, shapes.get("decoder.model.2.to_qkv.weight"));
        assertArrayEquals(new long[]{1536, 768, 16}, shapes.get("decoder.model.3.block.1.parametrizations.weight.original1"));
        assertEquals(384 * 32, cfg.padMultiple(), "hop 384 times lcm(8, window 32)");
    }

    @Test
    void aSmallCodecWithAttentionEncodesAndDecodes() {
        SnacConfig cfg = new SnacConfig(24000, 16, new int[]{2, 2}, 64, new int[]{2, 2}, 4, 16, 4, new int[]{4, 2, 1}, true, true);
        SnacCodec c = new SnacCodec(cfg);
        c.initialize(2);
        float[] x = new float[100];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.3);
        float[] padded = c.preprocess(x);
        assertEquals(112, padded.length, "padded to hop 4 x lcm(stride 4, window 4) = 16");
        int[][] codes = c.encode(padded);
        assertArrayEquals(new int[]{7, 14, 28}, new int[]{codes[0].length, codes[1].length, codes[2].length});
        float[] y = c.decode(codes, NoiseSource.OFF);
        assertEquals(112, y.length);
        for (float v : y) assertTrue(Float.isFinite(v));
        assertThrows(UnsupportedOperationException.class, () -> new StreamingDecoder(c, NoiseSource.OFF));
    }

    /**
     * The conv kernel is a setting of one codec: a second codec with the same weights keeps GEMM
     * while the first computes with the direct loops, and both decode the same audio to float rounding.
     */
    @Test
    void convKernelIsASettingOfOneCodecInstance() {
        SnacConfig cfg = new SnacConfig(24000, 8, new int[]{2, 2}, 32, new int[]{2, 2}, null, 16, 4, new int[]{4, 2, 1}, true, false);
        SnacCodec direct = new SnacCodec(cfg), gemm = new SnacCodec(cfg);
        direct.initialize(4);
        gemm.initialize(4);
        direct.useConvKernel(dev.qwenomni.nn.ConvKernel.DIRECT);
        assertEquals(dev.qwenomni.nn.ConvKernel.DIRECT, direct.convKernel());
        assertEquals(dev.qwenomni.nn.ConvKernel.GEMM, gemm.convKernel(), "the other instance keeps its own setting");
        float[] x = new float[800];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.05) * 0.5f;
        int[][] codes = direct.encode(x);
        float[] a = direct.decode(codes, NoiseSource.seeded(3)), b = gemm.decode(codes, NoiseSource.seeded(3));
        double max = 0, err = 0;
        for (int i = 0; i < a.length; i++) { max = Math.max(max, Math.abs(a[i])); err = Math.max(err, Math.abs(a[i] - b[i])); }
        assertTrue(max > 0 && err <= 1e-5 * max, "direct vs gemm decode: max error " + err + " of " + max);
    }
}
