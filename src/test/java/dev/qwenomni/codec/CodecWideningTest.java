package dev.qwenomni.codec;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** A widened decoder decodes what the narrow one decodes, from the same codes; a widened encoder encodes and reconstructs as the narrow one. */
class CodecWideningTest {
    /** tiny24's layout (latent 128, decoder 64 -> 32 -> 16 -> 8 -> 4 channels), depthwise or not. */
    private static SnacCodec codec(boolean depthwise, long seed) {
        SnacCodec c = new SnacCodec(TinyCodec.config(64, depthwise));
        c.initialize(seed);
        // biases and Snake alphas away from their init values, so a channel mapped wrongly shows, and
        // weight-norm g no longer ||v|| (as after training), so a scale the widening loses shows
        Random r = new Random(seed);
        for (Param p : c.params.params())
            if (p.name.endsWith(".bias") || p.name.endsWith(".alpha") || p.name.endsWith("original0"))
                for (long i = 0; i < p.size; i++)
                    Kernels.set(p.v, i, p.name.endsWith(".bias") ? (float) (0.1 * r.nextGaussian()) : Kernels.get(p.v, i) * (float) (0.3 + 1.5 * r.nextDouble()));
        return c;
    }

    private static float[] speechLike(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            phase += 2 * Math.PI * (120 + 40 * Math.sin(i / 3000.0)) / 24000;
            x[i] = (float) (0.3 * Math.sin(phase) + 0.2 * Math.sin(3 * phase) + 0.05 * r.nextGaussian());
        }
        return x;
    }

    private static double relativeRms(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0, e = 0;
        for (int i = 0; i < a.length; i++) { d += (a[i] - b[i]) * (double) (a[i] - b[i]); e += (double) a[i] * a[i]; }
        return Math.sqrt(d / e);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void widenedDecoderKeepsTheCodesAndTheAudio(boolean depthwise) {
        SnacCodec narrow = codec(depthwise, 3);
        SnacCodec wide = CodecWidening.widenDecoder(narrow, 96, 0, 1);
        assertEquals(96, wide.config.decoderDim());
        assertTrue(wide.params.count() > narrow.params.count());
        assertEquals(CodecCheckpoint.codesSha256(narrow), CodecCheckpoint.codesSha256(wide));
        assertNotEquals(CodecCheckpoint.legacyCodesSha256(narrow), CodecCheckpoint.legacyCodesSha256(wide), "the legacy hash covers decoder_dim");

        float[] x = narrow.preprocess(speechLike(9000, 4));
        int[][] codes = narrow.encode(x);
        assertArrayEquals(codes[2], wide.encode(x)[2]);
        for (NoiseSource noise : new NoiseSource[]{NoiseSource.OFF, NoiseSource.seeded(11)}) {
            float[] a = narrow.decode(codes, noise), b = wide.decode(codes, noise);
            assertTrue(relativeRms(a, b) < 1e-4, "widened decode differs by " + relativeRms(a, b));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void widenedEncoderKeepsTheCodesAndTheAudio(boolean depthwise) {
        SnacCodec narrow = codec(depthwise, 3);
        SnacCodec wide = CodecWidening.widenEncoder(narrow, 12, 0, 1);
        assertEquals(12, wide.config.encoderDim());
        assertEquals(12 * 16, wide.config.latentDim());
        assertTrue(wide.params.count() > narrow.params.count());
        float[] x = narrow.preprocess(speechLike(9000, 4));
        int[][] codes = narrow.encode(x), wideCodes = wide.encode(x);
        for (int l = 0; l < codes.length; l++) assertArrayEquals(codes[l], wideCodes[l], "level " + l);
        // the same codes decode to the same audio through the widened out_proj and decoder input
        double d = relativeRms(narrow.decode(codes, NoiseSource.OFF), wide.decode(codes, NoiseSource.OFF));
        assertTrue(d < 1e-4, "widened decode differs by " + d);
        d = relativeRms(narrow.reconstructUnquantized(x, NoiseSource.OFF), wide.reconstructUnquantized(x, NoiseSource.OFF));
        assertTrue(d < 1e-4, "widened unquantized path differs by " + d);
    }

    @Test
    void encoderNoiseLetsTheCopiesPartButBarelyMovesTheLatent() {
        SnacCodec narrow = codec(true, 5), noisy = CodecWidening.widenEncoder(narrow, 16, 0.01, 1);
        float[] x = narrow.preprocess(speechLike(9000, 6));
        double d = relativeRms(narrow.reconstructUnquantized(x, NoiseSource.OFF), noisy.reconstructUnquantized(x, NoiseSource.OFF));
        assertTrue(d > 1e-6 && d < 0.05, "noise 0.01 moved the unquantized reconstruction by " + d);
        var e = assertThrows(IllegalArgumentException.class, () -> CodecWidening.widenEncoder(narrow, 4, 0, 1));
        assertTrue(e.getMessage().contains("narrower"), e.getMessage());
    }

    /** ||v|| / g per row: the widening keeps it for the old rows, so AdamW's steps keep their effect. */
    @Test
    void weightNormScalesAreKept() {
        SnacCodec narrow = codec(true, 7), wide = CodecWidening.widenDecoder(narrow, 128, 0.01, 1);
        int checked = 0;
        for (Param v : narrow.params.params()) {
            if (!v.name.startsWith("decoder.") || !v.name.endsWith("original1")) continue;
            float[] a = ratios(narrow, v.name), b = ratios(wide, v.name);
            for (int row = 0; row < a.length; row++, checked++)
                assertEquals(a[row], b[row], 1e-4 * a[row], v.name + " row " + row);
        }
        assertTrue(checked > 500, "checked " + checked + " rows");
    }

    private static float[] ratios(SnacCodec c, String vName) {
        Param v = param(c, vName), g = param(c, vName.replace("original1", "original0"));
        int rows = (int) g.size, per = (int) (v.size / rows);
        float[] r = new float[rows];
        for (int i = 0; i < rows; i++) {
            double ss = 0;
            for (float x : row(v, i, per)) ss += (double) x * x;
            r[i] = (float) (Math.sqrt(ss) / Math.abs(Kernels.get(g.v, i)));
        }
        return r;
    }

    @Test
    void noiseLetsTheCopiesPartButBarelyMovesTheOutput() {
        SnacCodec narrow = codec(true, 5);
        SnacCodec exact = CodecWidening.widenDecoder(narrow, 128, 0, 1), noisy = CodecWidening.widenDecoder(narrow, 128, 0.01, 1);
        int[][] codes = narrow.encode(narrow.preprocess(speechLike(9000, 6)));
        double d = relativeRms(narrow.decode(codes, NoiseSource.OFF), noisy.decode(codes, NoiseSource.OFF));
        assertTrue(d > 1e-6 && d < 0.05, "noise 0.01 moved the decode by " + d);
        // doubling copies every channel once: with noise 0 a copy's weights equal its source's, with noise they do not
        Param e = param(exact, "decoder.model.2.block.1.parametrizations.weight.original1"), n = param(noisy, e.name);
        int rows = (int) e.shape[0], per = (int) (e.size / rows), copy = rows / 2;
        int source = -1;
        for (int r = 0; r < copy && source < 0; r++) if (row(e, r, per)[0] == row(e, copy, per)[0]) source = r;
        assertTrue(source >= 0, "the exact widening's channel " + copy + " should copy one of the first " + copy);
        assertArrayEquals(row(e, source, per), row(e, copy, per));
        assertFalse(java.util.Arrays.equals(row(n, source, per), row(n, copy, per)));
    }

    @Test
    void narrowingIsRefused() {
        SnacCodec c = codec(true, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> CodecWidening.widenDecoder(c, 32, 0, 1));
        assertTrue(e.getMessage().contains("narrower"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CodecWidening.widenDecoder(c, 72, 0, 1));
        assertTrue(e.getMessage().contains("divisible"), e.getMessage());
    }

    @Test
    void legacyHashStillIdentifiesTheCodes() {
        SnacCodec c = codec(true, 2), other = codec(true, 9);
        assertTrue(CodecCheckpoint.hasCodes(c, CodecCheckpoint.codesSha256(c)));
        assertTrue(CodecCheckpoint.hasCodes(c, CodecCheckpoint.legacyCodesSha256(c)));
        assertFalse(CodecCheckpoint.hasCodes(other, CodecCheckpoint.codesSha256(c)));
        assertFalse(CodecCheckpoint.hasCodes(other, CodecCheckpoint.legacyCodesSha256(c)));
    }

    private static Param param(SnacCodec c, String name) {
        return c.params.params().stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow();
    }

    private static float[] row(Param p, int r, int per) {
        float[] a = new float[per];
        for (int i = 0; i < per; i++) a[i] = Kernels.get(p.v, (long) r * per + i);
        return a;
    }
}
