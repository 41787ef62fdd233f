package dev.qwenomni.codec;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The unquantized path is the codec with each chosen codebook row replaced by the encoding it stood for; the two code
 * choice rules pick what they say.
 */
class UnquantizedDecodeTest {
    @Test
    void whenEveryEncodingIsItsOwnCodeTheUnquantizedPathIsTheDecode() {
        SnacCodec c = new SnacCodec(TinyCodec.config(64, true));
        c.initialize(5);
        Random r = new Random(2);
        float[] x = new float[16 * c.config.hopLength()];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.3 * Math.sin(i * 0.01) + 0.05 * r.nextGaussian());
        float[] coded = c.decode(c.encode(x), NoiseSource.OFF), free = c.reconstructUnquantized(x, NoiseSource.OFF);
        assertTrue(rms(coded, free) > 1e-3 * rms(coded, new float[coded.length]), "a random codebook costs something");
        // put each level's encodings into its codebook, level by level along the residual chain
        int T = x.length / c.config.hopLength();
        float[] residual = c.encodeLatent(x);
        for (VectorQuantizer q : c.quantizers) {
            int Tc = T / q.stride;
            float[] ze = q.inProj.forward(q.pool(residual, T), Tc), cb = Layers.read(q.codebook);
            for (int t = 0; t < Tc; t++) for (int d = 0; d < q.codebookDim; d++) cb[t * q.codebookDim + d] = ze[d * Tc + t];
            Layers.write(q.codebook, cb);
            float[] out = q.passThrough(residual, T);
            for (int j = 0; j < residual.length; j++) residual[j] -= out[j];
        }
        int[][] codes = c.encode(x);
        for (int l = 0; l < codes.length; l++)
            for (int t = 0; t < codes[l].length; t++) assertEquals(t, codes[l][t], "level " + l + " frame " + t + " picks its own encoding");
        float[] decoded = c.decode(codes, NoiseSource.OFF), unquantized = c.reconstructUnquantized(x, NoiseSource.OFF);
        assertTrue(rms(decoded, unquantized) < 1e-5 * rms(decoded, new float[decoded.length]) + 1e-7, "the two paths agree");
    }

    @Test
    void cosineChoiceKeepsTheDirectionAndEuclideanTheNearestRow() {
        SnacCodec c = new SnacCodec(TinyCodec.config(64, true));
        c.initialize(5);
        Random r = new Random(3);
        float[] x = new float[16 * c.config.hopLength()];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.3 * Math.sin(i * 0.013) + 0.05 * r.nextGaussian());
        int T = x.length / c.config.hopLength();
        VectorQuantizer q = c.quantizers.get(0);
        int Tc = T / q.stride;
        float[] latent = c.encodeLatent(x), ze = q.inProj.forward(q.pool(latent, T), Tc), cb = Layers.read(q.codebook);
        // row t: the encoding's direction at three times its length; row Tc + t: nearly the encoding, a little turned
        for (int t = 0; t < Tc; t++)
            for (int d = 0; d < q.codebookDim; d++) {
                cb[t * q.codebookDim + d] = 3 * ze[d * Tc + t];
                cb[(Tc + t) * q.codebookDim + d] = ze[d * Tc + t] + (d == 0 ? 0.02f : 0) * Math.abs(ze[t]) + (d == 0 ? 1e-3f : 0);
            }
        Layers.write(q.codebook, cb);
        int[] cosine = q.encode(latent, T);
        q.setCodeChoice(VectorQuantizer.CodeChoice.EUCLIDEAN);
        int[] euclidean = q.encode(latent, T);
        for (int t = 0; t < Tc; t++) {
            assertEquals(t, cosine[t], "cosine: the same direction, frame " + t);
            assertEquals(Tc + t, euclidean[t], "euclidean: the nearest row, frame " + t);
        }
    }

    static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        return Math.sqrt(s / a.length);
    }
}
