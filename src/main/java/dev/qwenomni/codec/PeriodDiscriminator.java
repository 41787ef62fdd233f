package dev.qwenomni.codec;

import dev.qwenomni.nn.Conv1d;
import dev.qwenomni.nn.WeightNorm;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;

import java.util.Arrays;

/**
 * HiFi-GAN's period discriminator: the waveform, zero-padded to a multiple of the period p, is
 * folded into p columns (column c holds samples c, c+p, c+2p, ...) and one stack of weight-normed
 * convolutions runs down every column with shared weights. Its 2-D kernels are (k, 1), so a column
 * never sees its neighbours, and the stack is a 1-D conv net applied p times. Each conv (kernel 5,
 * stride 3 but the last at stride 1) is followed by LeakyReLU(0.1); a final conv (kernel 3) gives
 * one score per position. Every layer's output is a feature map for the feature-matching loss.
 */
final class PeriodDiscriminator {
    static final float SLOPE = 0.1f;

    final int period;
    private final Conv1d[] convs;
    private final Param[] g, v, b;

    PeriodDiscriminator(ParamStore s, String prefix, int period, int[] channels) {
        if (period < 1) throw new IllegalArgumentException("period must be positive, not " + period);
        this.period = period;
        int n = channels.length + 1;
        convs = new Conv1d[n];
        g = new Param[n]; v = new Param[n]; b = new Param[n];
        int cin = 1;
        for (int i = 0; i < n; i++) {
            boolean post = i == channels.length;
            int cout = post ? 1 : channels[i], k = post ? 3 : 5, stride = post || i == channels.length - 1 ? 1 : 3;
            convs[i] = new Conv1d(cin, cout, k, stride, (k - 1) / 2, 1, 1);
            Param[] p = Layers.declareWn(s, prefix + (post ? ".conv_post" : ".convs." + i), new long[]{cout, cin, k}, true);
            g[i] = p[0]; v[i] = p[1]; b[i] = p[2];
            cin = cout;
        }
    }

    int layers() { return convs.length; }

    /**
     * One forward pass, kept for its backward. features[l][c] is layer l's output on column c,
     * [channels][length] flattened (after the LeakyReLU, except the last layer: the scores).
     */
    final class Pass {
        final int samples, rows;
        final float[][] weights = new float[convs.length][];
        final float[][][] inputs = new float[convs.length][period][];
        final float[][][] features = new float[convs.length][period][];
        final int[][] lengths = new int[convs.length][period];

        private Pass(float[] audio) {
            samples = audio.length;
            rows = (audio.length + period - 1) / period;
            for (int l = 0; l < convs.length; l++) weights[l] = WeightNorm.weight(Layers.read(g[l]), Layers.read(v[l]));
            for (int c = 0; c < period; c++) {
                float[] x = new float[rows];
                for (int j = 0, t = c; j < rows && t < audio.length; j++, t += period) x[j] = audio[t];
                int T = rows;
                for (int l = 0; l < convs.length; l++) {
                    inputs[l][c] = x;
                    float[] y = convs[l].forward(x, T, weights[l], Layers.read(b[l]), dev.qwenomni.nn.ConvKernel.GEMM);
                    if (l < convs.length - 1) for (int i = 0; i < y.length; i++) if (y[i] < 0) y[i] *= SLOPE;
                    T = convs[l].outLength(T);
                    features[l][c] = y;
                    lengths[l][c] = T;
                    x = y;
                }
            }
        }

        int period() { return period; }

        /** The scores (the last layer's output) of every column, concatenated. */
        float[] scores() {
            int n = 0;
            for (float[] s : features[convs.length - 1]) n += s.length;
            float[] out = new float[n];
            int o = 0;
            for (float[] s : features[convs.length - 1]) { System.arraycopy(s, 0, out, o, s.length); o += s.length; }
            return out;
        }

        /**
         * Backward from dL/d(features), shaped like features (null entries are zero). Returns dL/d(audio); adds the
         * parameter gradients only when paramGrads is set (the generator's pass must leave the discriminator's alone).
         */
        float[] backward(float[][][] dFeatures, boolean paramGrads) {
            float[] dAudio = new float[samples];
            float[][] dw = new float[convs.length][], db = new float[convs.length][];
            // the generator's pass wants only dL/d(audio): skip the weight-gradient gemms
            if (paramGrads) for (int l = 0; l < convs.length; l++) { dw[l] = new float[weights[l].length]; db[l] = new float[(int) b[l].size]; }
            for (int c = 0; c < period; c++) {
                float[] dx = null;
                for (int l = convs.length - 1; l >= 0; l--) {
                    float[] y = features[l][c], dy = new float[y.length];
                    if (dFeatures[l] != null && dFeatures[l][c] != null) System.arraycopy(dFeatures[l][c], 0, dy, 0, y.length);
                    if (dx != null) for (int i = 0; i < dy.length; i++) dy[i] += dx[i];
                    // y < 0 exactly where the pre-activation was negative (slope > 0 keeps the sign)
                    if (l < convs.length - 1) for (int i = 0; i < dy.length; i++) if (y[i] < 0) dy[i] *= SLOPE;
                    int T = l == 0 ? rows : lengths[l - 1][c];
                    dx = convs[l].backward(dy, inputs[l][c], T, weights[l], dw[l], db[l], dev.qwenomni.nn.ConvKernel.GEMM);
                }
                for (int j = 0, t = c; j < rows && t < samples; j++, t += period) dAudio[t] += dx[j];
            }
            if (paramGrads) for (int l = 0; l < convs.length; l++) Layers.addWeightNormGrads(g[l], v[l], b[l], dw[l], db[l]);
            return dAudio;
        }
    }

    Pass forward(float[] audio) { return new Pass(audio); }

    @Override public String toString() { return "period " + period + " " + Arrays.toString(convs); }
}
