package dev.qwenomni.codec;

import dev.qwenomni.audio.SpectralLoss;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.nn.GradCheck;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;

/** The codec's training gradients (spectral losses, straight-through VQ, residual chain, encoder) against finite differences. */
class CodecTrainingGradientTest {

    static float[] speech(int n) throws IOException {
        Wav.Audio a = Wav.read(Path.of("src/test/resources/speech/birch_flite_rms_16k.wav"));
        float[] x = new float[n];
        System.arraycopy(a.samples(), 8000, x, 0, n);
        return x;
    }

    /** The target at 0.7 of its level with a little Gaussian noise: a prediction with errors in every term. */
    static float[] noisyCopy(float[] target, long seed) {
        Random r = new Random(seed);
        float[] pred = target.clone();
        for (int i = 0; i < pred.length; i++) pred[i] = 0.7f * pred[i] + 0.02f * (float) r.nextGaussian();
        return pred;
    }

    @Test
    void spectralLossGradient() throws IOException {
        float[] target = speech(4096), pred = noisyCopy(target, 1);
        SpectralLoss loss = new SpectralLoss(24000);
        float[] grad = new float[pred.length];
        loss.compute(pred, target, grad, 15f, 1f);
        GradCheck.check("mel + stft loss", () -> {
            SpectralLoss.Value v = loss.compute(pred, target, null, 15f, 1f);
            return 15 * v.mel() + v.stft();
        }, MemorySegment.ofArray(pred), pred.length, grad, 60, 3, 1e-4f);
    }

    /** Central differences of 15 x melObjective + stftObjective, the objective a shaped loss's gradient follows. */
    private static void checkObjectiveGradient(String name, SpectralLoss loss, float[] pred, float[] target) {
        float[] grad = new float[pred.length];
        loss.compute(pred, target, grad, 15f, 1f);
        GradCheck.check(name, () -> {
            SpectralLoss.Value v = loss.compute(pred, target, null, 15f, 1f);
            return 15 * v.melObjective() + v.stftObjective();
        }, MemorySegment.ofArray(pred), pred.length, grad, 60, 3, 1e-4f);
    }

    /** With an emphasis the gradient follows the emphasised objective, and the reported terms stay the plain ones. */
    @Test
    void emphasisedSpectralLossGradient() throws IOException {
        float[] target = speech(4096), pred = noisyCopy(target, 3);
        SpectralLoss plain = new SpectralLoss(24000), loss = new SpectralLoss(24000, SpectralLoss.DYNAMIC_RANGE_DB,
                new SpectralLoss.Emphasis(1000, 3000, 3));
        SpectralLoss.Value vp = plain.compute(pred, target, null, 0, 0), ve = loss.compute(pred, target, null, 0, 0);
        assertEquals(vp.mel(), ve.mel(), 1e-12);
        assertEquals(vp.stft(), ve.stft(), 1e-12);
        assertEquals(vp.mel(), vp.melObjective(), 1e-12);
        // about a quarter of the mel bands (1-3 kHz of 0-12 kHz on the mel scale) count three times
        assertTrue(ve.melObjective() > 1.2 * ve.mel() && ve.melObjective() < 3 * ve.mel(), ve.toString());
        checkObjectiveGradient("emphasised mel + stft loss", loss, pred, target);
        var e = assertThrows(IllegalArgumentException.class, () -> new SpectralLoss.Emphasis(3000, 1000, 2));
        assertTrue(e.getMessage().contains("3000.0-1000.0"), e.getMessage());
    }

    /**
     * DAC's short mel scales add to the objective only: the reported terms stay the default scales', the objective grows by
     * their share, and the gradient follows it (central differences, so the short windows' bins are checked too).
     */
    @Test
    void shortMelScalesJoinTheObjective() throws IOException {
        float[] target = speech(4096), pred = noisyCopy(target, 5);
        SpectralLoss plain = new SpectralLoss(24000),
                loss = new SpectralLoss(24000, SpectralLoss.DYNAMIC_RANGE_DB, null, SpectralLoss.SHORT_MEL);
        SpectralLoss.Value vp = plain.compute(pred, target, null, 0, 0), vs = loss.compute(pred, target, null, 0, 0);
        assertEquals(vp.mel(), vs.mel(), 1e-12);
        assertEquals(vp.mel(), loss.mel(pred, target), 1e-12);
        assertEquals(vp.stft(), vs.stft(), 1e-12);
        assertEquals(vp.stftObjective(), vs.stftObjective(), 1e-12);
        // three more scales, each weighted like one of the four defaults: each has a positive share
        assertTrue(vs.melObjective() > 1.1 * vs.mel() && vs.melObjective() < 3 * vs.mel(), vs.toString());
        checkObjectiveGradient("mel with short scales + stft loss", loss, pred, target);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SpectralLoss(24000, 60, null, new SpectralLoss.Scale[]{new SpectralLoss.Scale(48, 5)}));
        assertTrue(e.getMessage().contains("48:5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SpectralLoss(24000, 60, null, new SpectralLoss.Scale[]{new SpectralLoss.Scale(512, 40)}));
        assertTrue(e.getMessage().contains("already a default"), e.getMessage());
    }

    /**
     * The loss ignores what lies more than its dynamic range below the target's peak: noise
     * 90 dB down added to the prediction changes neither the loss nor the gradient, while the
     * same noise at 20 dB down does.
     */
    @Test
    void spectralLossFloorIsRelativeToTheTarget() throws IOException {
        float[] target = speech(4096), pred = target.clone();
        double peak = 0;
        for (float v : target) peak = Math.max(peak, Math.abs(v));
        Random r = new Random(4);
        float[] quiet = pred.clone(), loud = pred.clone();
        for (int i = 0; i < pred.length; i++) {
            double g = r.nextGaussian();
            quiet[i] += (float) (peak * 3e-5 * g);
            loud[i] += (float) (peak * 0.1 * g);
        }
        SpectralLoss loss = new SpectralLoss(24000);
        float[] dq = new float[pred.length];
        SpectralLoss.Value vq = loss.compute(quiet, target, dq, 15f, 1f), vl = loss.compute(loud, target, null, 0, 0);
        assertTrue(15 * vq.mel() + vq.stft() < 0.05, "noise 90 dB down is (nearly) free: " + vq);
        assertTrue(15 * vl.mel() + vl.stft() > 1, "noise 20 dB down is not: " + vl);
    }

    /**
     * The code choice is piecewise constant and SNAC detaches by design (straight-through for the
     * reconstruction, stop-gradients inside the VQ losses and in the residual chain), so the
     * training gradient is a true derivative only where nothing is detached: for the
     * reconstruction, the decoder-side parameters (out_proj included). Those are checked here on
     * the whole codec; the quantizer's own terms are checked on one quantizer below.
     */
    @Test
    void codecTrainingPathGradient() throws Exception {
        SnacCodec codec;
        try (var r = dev.qwenomni.io.SafeTensors.open(SnacFixtureParityTest.FIXTURE)) {
            codec = SnacFixtureParityTest.load(r);
        }
        float[] x = speech(2048);
        Random rnd = new Random(2);
        float[] w = new float[2048];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
        java.util.function.DoubleSupplier loss = () -> {
            float[] y = codec.trainForward(x, NoiseSource.OFF);
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) y[i] * w[i];
            return s;
        };
        codec.params.zeroGrads();
        codec.trainForward(x, NoiseSource.OFF);
        codec.trainBackward(w, 0f, 0f);
        int seed = 0;
        for (String name : new String[]{"decoder.model.0.parametrizations.weight.original1", "decoder.model.1.bias",
                "quantizer.quantizers.2.out_proj.parametrizations.weight.original0", "quantizer.quantizers.2.out_proj.bias"}) {
            // (the last level only: earlier levels also feed the residual of later ones, a path SNAC detaches)
            Param p = codec.params.get(name);
            GradCheck.check("codec training " + name, loss, p.v, p.size, GradCheck.copy(p.g(), p.size), 30, seed++);
        }
        // and the encoder does receive the straight-through gradient
        Param enc = codec.params.get("encoder.block.0.parametrizations.weight.original1");
        org.junit.jupiter.api.Assertions.assertTrue(GradCheck.copy(enc.g(), enc.size)[0] != 0f, "encoder gradient");
    }

    @Test
    void straightThroughPassesTheGradientToTheEncoderSide() {
        dev.qwenomni.tensor.ParamStore s = new dev.qwenomni.tensor.ParamStore();
        VectorQuantizer q = new VectorQuantizer(s, "q", 6, 9, 3, 2);
        s.allocate();
        Random r = new Random(4);
        for (Param p : s.params()) for (long i = 0; i < p.size; i++) dev.qwenomni.tensor.Kernels.set(p.v, i, (float) (0.5 + r.nextDouble()));
        int T = 8;
        float[] z = new float[6 * T], w = new float[6 * T];
        for (int i = 0; i < z.length; i++) { z[i] = (float) r.nextGaussian(); w[i] = (float) r.nextGaussian(); }
        q.trainForward(z, T);
        // the surrogate straight-through differentiates: out_proj(z_e(z) + delta), delta = z_q - z_e frozen
        float[] ze0 = q.inProj.forward(q.pool(z, T), T / 2), zq = q.trainForward(z, T);
        float[] cbRows = new float[ze0.length];
        float[] cb = Layers.read(q.codebook);
        int[] codes = q.lastCodes();
        for (int t = 0; t < T / 2; t++) for (int d = 0; d < 3; d++) cbRows[d * (T / 2) + t] = cb[codes[t] * 3 + d];
        float[] delta = new float[ze0.length];
        for (int i = 0; i < delta.length; i++) delta[i] = cbRows[i] - ze0[i];
        s.zeroGrads();
        q.trainForward(z, T);
        float[] dz = q.trainBackward(w, 0f, 0f);
        GradCheck.check("straight-through dz", () -> {
            float[] ze = q.inProj.forward(q.pool(z, T), T / 2);
            for (int i = 0; i < ze.length; i++) ze[i] += delta[i];
            float[] out = VectorQuantizer.repeat(q.outProj.forward(ze, T / 2), 6, T / 2, 2);
            double sum = 0;
            for (int i = 0; i < out.length; i++) sum += (double) out[i] * w[i];
            return sum;
        }, MemorySegment.ofArray(z), z.length, dz, 48, 5);

        // commitment: d MSE(z_e, sg(z_q)) / dz, a true derivative while no code flips (small step)
        s.zeroGrads();
        q.trainForward(z, T);
        float[] dzCommit = q.trainBackward(new float[w.length], 1f, 0f);
        GradCheck.check("commitment dz", () -> { q.trainForward(z, T); return q.lastMse(); },
                MemorySegment.ofArray(z), z.length, dzCommit, 48, 6, 1e-3f);
        // codebook: d MSE(sg(z_e), z_q) / d codebook, on the rows in use
        s.zeroGrads();
        q.trainForward(z, T);
        q.trainBackward(new float[w.length], 0f, 1f);
        float[] g = GradCheck.copy(q.codebook.g(), q.codebook.size);
        double num = 0, den = 0;
        for (int code : java.util.Arrays.stream(q.lastCodes()).distinct().toArray())
            for (int d = 0; d < 3; d++) {
                int i = code * 3 + d;
                float x0 = dev.qwenomni.tensor.Kernels.get(q.codebook.v, i);
                dev.qwenomni.tensor.Kernels.set(q.codebook.v, i, x0 + 1e-3f);
                q.trainForward(z, T);
                double lp = q.lastMse();
                dev.qwenomni.tensor.Kernels.set(q.codebook.v, i, x0 - 1e-3f);
                q.trainForward(z, T);
                double lm = q.lastMse();
                dev.qwenomni.tensor.Kernels.set(q.codebook.v, i, x0);
                double fd = (lp - lm) / 2e-3;
                num += (fd - g[i]) * (fd - g[i]);
                den += (double) g[i] * g[i];
            }
        org.junit.jupiter.api.Assertions.assertTrue(den > 0 && Math.sqrt(num / den) < GradCheck.TOL, "codebook rows: " + Math.sqrt(num / den));
    }
}
