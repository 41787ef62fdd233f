package dev.qwenomni.codec;

import dev.qwenomni.codec.Layers.NoiseBlock;
import dev.qwenomni.codec.Layers.ResidualUnit;
import dev.qwenomni.codec.Layers.Snake1d;
import dev.qwenomni.codec.Layers.Tanh;
import dev.qwenomni.codec.Layers.WNConv1d;
import dev.qwenomni.codec.Layers.WNConvTranspose1d;
import dev.qwenomni.nn.WeightNorm;
import dev.qwenomni.tensor.ParamStore.Param;

import java.util.SplittableRandom;

/**
 * A codec with a wider decoder, or a wider encoder, that computes what the original computes
 * (Net2Net's function-preserving widening): every new channel copies an old one, and the layer that
 * reads a copied channel divides that channel's weights by its number of copies.
 *
 * <p>A wider decoder keeps the encoder and quantizers as they are, so the codes (and a TTS model
 * trained on them) stay valid while it trains on from where the narrow one stopped. A wider
 * encoder (encoder_dim, and with it the latent) changes in_proj, out_proj and the decoder's first
 * two convs too, which read or write the latent; the codebooks are kept, and the codes change only
 * as far as the noise below moves the encodings, but they are a new codec's codes once it trains.
 *
 * <p>Copies of a channel would get identical gradients and stay copies for ever (AdamW is blind to
 * how the outgoing weights are split), so the incoming weights of the copies get a little noise:
 * {@code noise} times the layer's weight RMS. With noise 0 the output is the same up to rounding.
 */
public final class CodecWidening {
    private CodecWidening() {}

    /** new channel -> the old channel it copies, and how many new channels copy each old one. */
    record ChannelMap(int[] source, int[] copies) {
        static ChannelMap identity(int n) {
            int[] s = new int[n], c = new int[n];
            for (int i = 0; i < n; i++) { s[i] = i; c[i] = 1; }
            return new ChannelMap(s, c);
        }

        /** The first n channels are the old ones; the rest copy a random permutation of them in turn, so copies spread evenly. */
        static ChannelMap widen(int n, int m, SplittableRandom r) {
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) perm[i] = i;
            for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1), t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
            int[] s = new int[m], c = new int[n];
            for (int j = 0; j < m; j++) { s[j] = j < n ? j : perm[(j - n) % n]; c[s[j]]++; }
            return new ChannelMap(s, c);
        }

        int size() { return source.length; }

        boolean isCopy(int j) { return j >= copies.length; }
    }

    /** The codec with decoder_dim newDim, weights mapped from src (which is left as it is). */
    public static SnacCodec widenDecoder(SnacCodec src, int newDim, double noise, long seed) {
        SnacConfig c = src.config;
        refuseLocalAttention(c, "a decoder");
        if (newDim < c.decoderDim())
            throw new IllegalArgumentException("decoder_dim " + newDim + " is narrower than the codec's " + c.decoderDim() + ": widening only");
        if (newDim >> c.decoderRates().length << c.decoderRates().length != newDim)
            throw new IllegalArgumentException("decoder_dim " + newDim + " must be divisible by 2^" + c.decoderRates().length
                    + " (each decoder block halves the channels)");
        SnacCodec dst = new SnacCodec(c.withDecoderDim(newDim));
        dst.copyWeights(src, name -> !name.startsWith("decoder."));
        new Walk(noise, new SplittableRandom(seed)).module(src.decoder, dst.decoder, ChannelMap.identity(c.latentDim()));
        return dst;
    }

    /**
     * The codec with encoder_dim newDim (a latent of newDim * 2^blocks), weights mapped from src:
     * the encoder's channels copy old ones; each level's in_proj reads, and out_proj writes, the
     * widened latent; the decoder reads it with the copies' weights divided. Codebooks are kept.
     */
    public static SnacCodec widenEncoder(SnacCodec src, int newDim, double noise, long seed) {
        SnacConfig c = src.config;
        refuseLocalAttention(c, "an encoder");
        if (newDim < c.encoderDim())
            throw new IllegalArgumentException("encoder_dim " + newDim + " is narrower than the codec's " + c.encoderDim() + ": widening only");
        SnacCodec dst = new SnacCodec(c.withEncoderDim(newDim));
        dst.copyWeights(src, name -> name.contains(".codebook."));
        Walk walk = new Walk(noise, new SplittableRandom(seed));
        ChannelMap latent = walk.module(src.encoder, dst.encoder, ChannelMap.identity(1));
        for (int i = 0; i < src.quantizers.size(); i++) {
            VectorQuantizer a = src.quantizers.get(i), b = dst.quantizers.get(i);
            walk.conv(a.inProj, b.inProj, latent, null);
            // out_proj's output is subtracted from the residual and summed for the decoder: it must come out in the latent's map
            walk.conv(a.outProj, b.outProj, ChannelMap.identity(c.codebookDim()), latent);
        }
        walk.module(src.decoder, dst.decoder, latent);
        return dst;
    }

    /** The walk knows no LocalMHA (the 32/44 kHz configs' attention), so a codec with one is refused by name. */
    private static void refuseLocalAttention(SnacConfig c, String what) {
        if (c.attnWindowSize() != null)
            throw new IllegalArgumentException("widening " + what + " with local attention (attn_window_size " + c.attnWindowSize() + ") is not supported");
    }

    private record Walk(double noise, SplittableRandom r) {
        /** Maps the parameters of one module; returns the channel map of its output. */
        ChannelMap module(Module from, Module to, ChannelMap in) {
            if (from instanceof Sequential a && to instanceof Sequential b) {
                for (int i = 0; i < a.modules.size(); i++) in = module(a.modules.get(i), b.modules.get(i), in);
                return in;
            }
            if (from instanceof WNConv1d a && to instanceof WNConv1d b) return conv(a, b, in, null);
            if (from instanceof WNConvTranspose1d a && to instanceof WNConvTranspose1d b) return convTranspose(a, b, in);
            if (from instanceof Snake1d a && to instanceof Snake1d b) {
                float[] alpha = Layers.read(a.alpha), out = new float[in.size()];
                for (int j = 0; j < out.length; j++) out[j] = alpha[in.source[j]];
                Layers.write(b.alpha, out);
                return in;
            }
            if (from instanceof ResidualUnit a && to instanceof ResidualUnit b) {
                // the block's output adds to its input, so it must come out in the input's channel map
                if (module(a.block, b.block, in) != in) throw new IllegalStateException("residual block changed its channel map");
                return in;
            }
            if (from instanceof NoiseBlock a && to instanceof NoiseBlock b) {
                if (conv(a.linear, b.linear, in, null) != in) throw new IllegalStateException("noise block changed its channel map");
                return in;
            }
            if (from instanceof Tanh && to instanceof Tanh) return in;
            throw new IllegalArgumentException("cannot widen " + from.getClass().getSimpleName());
        }

        /**
         * W'[j][i][k] = W[src j][src i][k] / copies(src i); a depthwise conv keeps its per-channel kernel. The output map
         * is {@code outMap} when given, else the input's for a square conv and a fresh one for a widened output.
         */
        ChannelMap conv(WNConv1d a, WNConv1d b, ChannelMap in, ChannelMap outMap) {
            int cin = a.conv.cin, cout = a.conv.cout, k = a.conv.k;
            if (in.copies.length != cin || in.size() != b.conv.cin) throw new IllegalStateException("channel map does not fit conv " + cin + " -> " + cout);
            if (outMap != null && (outMap.copies.length != cout || outMap.size() != b.conv.cout))
                throw new IllegalStateException("output channel map does not fit conv " + cin + " -> " + cout);
            // a conv that stays square (residual units, noise, depthwise) keeps its input's map
            ChannelMap out = outMap != null ? outMap : cout == cin && b.conv.cout == in.size() ? in
                    : b.conv.cout == cout ? ChannelMap.identity(cout) : ChannelMap.widen(cout, b.conv.cout, r);
            boolean depthwise = a.conv.groups == cin && cin == cout;
            if (!depthwise && a.conv.groups != 1) throw new IllegalArgumentException("cannot widen a grouped conv (groups " + a.conv.groups + ")");
            float[] w = WeightNorm.weight(Layers.read(a.g), Layers.read(a.v));
            int inW = depthwise ? 1 : in.size(), inOld = depthwise ? 1 : cin;
            float[] nw = new float[out.size() * inW * k];
            for (int j = 0; j < out.size(); j++)
                for (int i = 0; i < inW; i++) {
                    int si = depthwise ? 0 : in.source[i];
                    float scale = depthwise ? 1f : 1f / in.copies[si];
                    for (int kk = 0; kk < k; kk++) nw[(j * inW + i) * k + kk] = w[(out.source[j] * inOld + si) * k + kk] * scale;
                }
            perturbRows(nw, out, inW * k, 1, w);
            setWeightNorm(b.g, b.v, nw, gather(vScale(a.g, a.v), out));
            if (a.b != null) Layers.write(b.b, gather(Layers.read(a.b), out));
            return out;
        }

        /** v is [in][out][k], normed per input row: W'[i][j][k] = W[src i][src j][k] / copies(src i). */
        ChannelMap convTranspose(WNConvTranspose1d a, WNConvTranspose1d b, ChannelMap in) {
            int cin = a.conv.cin, cout = a.conv.cout, k = a.conv.k;
            if (in.copies.length != cin || in.size() != b.conv.cin) throw new IllegalStateException("channel map does not fit conv-transpose " + cin + " -> " + cout);
            ChannelMap out = b.conv.cout == cout ? ChannelMap.identity(cout) : ChannelMap.widen(cout, b.conv.cout, r);
            float[] w = WeightNorm.weight(Layers.read(a.g), Layers.read(a.v));
            float[] nw = new float[in.size() * out.size() * k];
            for (int i = 0; i < in.size(); i++) {
                int si = in.source[i];
                for (int j = 0; j < out.size(); j++)
                    for (int kk = 0; kk < k; kk++) nw[(i * out.size() + j) * k + kk] = w[(si * cout + out.source[j]) * k + kk] / in.copies[si];
            }
            perturbRows(nw, out, k, in.size(), w);
            setWeightNorm(b.g, b.v, nw, gather(vScale(a.g, a.v), in));
            Layers.write(b.b, gather(Layers.read(a.b), out));
            return out;
        }

        /**
         * Adds noise to the weights that produce copied output channels. The weights are laid out as
         * [outer][out channel][inner] (outer = 1 for a conv, the input channels for a transposed one).
         */
        void perturbRows(float[] w, ChannelMap out, int inner, int outer, float[] old) {
            if (noise == 0) return;
            double ss = 0;
            for (float x : old) ss += (double) x * x;
            double sigma = noise * Math.sqrt(ss / old.length);
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < out.size(); j++) {
                    if (!out.isCopy(j)) continue;
                    int base = (o * out.size() + j) * inner;
                    for (int i = 0; i < inner; i++) w[base + i] += (float) (sigma * dev.qwenomni.tensor.Init.gaussian(r));
                }
        }
    }

    private static float[] gather(float[] x, ChannelMap m) {
        float[] y = new float[m.size()];
        for (int j = 0; j < y.length; j++) y[j] = x[m.source[j]];
        return y;
    }

    /**
     * Per row, ||v|| / |g|: how far training has grown v past the weight it stands for. The step
     * AdamW takes on v moves the weight's direction by about lr / ||v||, so the wide codec keeps
     * these scales; setting v = W instead (||v|| = g) multiplied the effective learning rate of
     * every direction by this factor, up to ~200x in the noise blocks' 1x1 convs of the committed
     * codec, and cost the first widened run more than the width gave in 2000 steps.
     */
    private static float[] vScale(Param g, Param v) {
        float[] gv = Layers.read(g), s = WeightNorm.rowNorms(Layers.read(v), gv.length);
        for (int r = 0; r < gv.length; r++) s[r] /= Math.abs(gv[r]);
        return s;
    }

    /** g = the row norms of W and v = W scaled per row (the weight norm gives back W exactly, whatever the scale). */
    private static void setWeightNorm(Param g, Param v, float[] w, float[] rowScale) {
        int rows = rowScale.length, n = w.length / rows;
        float[] nv = new float[w.length];
        for (int r = 0; r < rows; r++)
            for (int i = r * n; i < (r + 1) * n; i++) nv[i] = w[i] * rowScale[r];
        Layers.write(g, WeightNorm.rowNorms(w, rows));
        Layers.write(v, nv);
    }
}
