package dev.qwenomni.codec;

import dev.qwenomni.codec.Layers.NoiseBlock;
import dev.qwenomni.codec.Layers.ResidualUnit;
import dev.qwenomni.codec.Layers.Snake1d;
import dev.qwenomni.codec.Layers.Tanh;
import dev.qwenomni.codec.Layers.WNConv1d;
import dev.qwenomni.codec.Layers.WNConvTranspose1d;
import dev.qwenomni.nn.ConvKernel;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.ParamStore.Param;

import java.util.ArrayList;
import java.util.List;

/**
 * The SNAC-style codec: encoder, residual VQ at several time scales, decoder, with SNAC's module
 * order and parameter names, so its state dict loads here and ours loads there.
 */
public final class SnacCodec {
    public final SnacConfig config;
    public final ParamStore params = new ParamStore();
    public final Sequential encoder, decoder;
    public final List<VectorQuantizer> quantizers = new ArrayList<>();
    private final List<NoiseBlock> noiseBlocks = new ArrayList<>();
    private boolean codesFrozen, decodingFrozen;
    private ConvKernel convKernel = ConvKernel.GEMM;

    public SnacCodec(SnacConfig c) {
        this.config = c;
        Integer window = c.attnWindowSize();
        // encoder.block.0 stem, .1-.n EncoderBlocks, LocalMHA when a window is set, then the final (depthwise) conv
        List<Module> enc = new ArrayList<>();
        int d = c.encoderDim();
        enc.add(new WNConv1d(params, "encoder.block.0", 1, d, 7, 1, 3, 1, 1, true));
        for (int i = 0; i < c.encoderRates().length; i++) {
            int stride = c.encoderRates()[i], in = d;
            d *= 2;
            int groups = c.depthwise() ? in : 1;
            String p = "encoder.block." + (i + 1);
            enc.add(new Sequential(List.of(
                    new ResidualUnit(params, p + ".block.0", in, 1, groups),
                    new ResidualUnit(params, p + ".block.1", in, 3, groups),
                    new ResidualUnit(params, p + ".block.2", in, 9, groups),
                    new Snake1d(params, p + ".block.3", in),
                    new WNConv1d(params, p + ".block.4", in, d, 2 * stride, stride, (stride + 1) / 2, 1, 1, true))));
        }
        int last = c.encoderRates().length + 1;
        if (window != null) enc.add(new LocalMHA(params, "encoder.block." + last++, d, window, LocalMHA.HEAD_DIM));
        enc.add(new WNConv1d(params, "encoder.block." + last, d, d, 7, 1, 3, 1, c.depthwise() ? d : 1, true));
        encoder = new Sequential(enc);

        for (int i = 0; i < c.vqStrides().length; i++)
            quantizers.add(new VectorQuantizer(params, "quantizer.quantizers." + i, c.latentDim(), c.codebookSize(), c.codebookDim(), c.vqStrides()[i]));

        List<Module> dec = new ArrayList<>();
        int latent = c.latentDim(), ch = c.decoderDim(), idx = 0;
        if (c.depthwise()) {
            dec.add(new WNConv1d(params, "decoder.model." + idx++, latent, latent, 7, 1, 3, 1, latent, true));
            dec.add(new WNConv1d(params, "decoder.model." + idx++, latent, ch, 1, 1, 0, 1, 1, true));
        } else {
            dec.add(new WNConv1d(params, "decoder.model." + idx++, latent, ch, 7, 1, 3, 1, 1, true));
        }
        if (window != null) dec.add(new LocalMHA(params, "decoder.model." + idx++, ch, window, LocalMHA.HEAD_DIM));
        int out = ch, up = 1;
        for (int i = 0; i < c.decoderRates().length; i++) {
            int stride = c.decoderRates()[i], in = ch >> i;
            out = ch >> (i + 1);
            up *= stride;
            int groups = c.depthwise() ? out : 1;
            String p = "decoder.model." + idx++;
            List<Module> b = new ArrayList<>();
            int j = 0;
            b.add(new Snake1d(params, p + ".block." + j++, in));
            b.add(new WNConvTranspose1d(params, p + ".block." + j++, in, out, 2 * stride, stride, (stride + 1) / 2, stride % 2));
            if (c.noise()) {
                NoiseBlock nb = new NoiseBlock(params, p + ".block." + j++, out, i, up);
                noiseBlocks.add(nb);
                b.add(nb);
            }
            for (int dil : new int[]{1, 3, 9}) b.add(new ResidualUnit(params, p + ".block." + j++, out, dil, groups));
            dec.add(new Sequential(b));
        }
        dec.add(new Snake1d(params, "decoder.model." + idx++, out));
        dec.add(new WNConv1d(params, "decoder.model." + idx, out, 1, 7, 1, 3, 1, 1, true));
        dec.add(new Tanh());
        decoder = new Sequential(dec);
        params.allocate();
    }

    /**
     * Fresh weights as DAC's trainer actually starts from. Its init_weights() writes a truncated
     * N(0, 0.02) into `m.weight`, but under weight norm that tensor is recomputed from g and v on
     * every forward, so the weights keep torch's default conv init: v ~ U(-1/sqrt(fan_in),
     * 1/sqrt(fan_in)) with g = ||v|| (W = v). The bias is a plain parameter, so its zeroing does
     * take effect, and it matters: with torch's default random biases the constant offsets
     * outgrow the speech signal through the encoder, every z_e points the same way (pairwise
     * cosine 0.994 measured on our clips) and all frames pick one code; with zero biases 0.017.
     * Snake alpha 1, codebooks N(0, 1) (nn.Embedding); LocalMHA: LayerNorm 1 and 0, projections
     * torch's Linear default U(-1/sqrt(fan_in), 1/sqrt(fan_in)), inv_freq 10000^(-2i/64).
     */
    public void initialize(long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        java.util.Map<String, ParamStore.Param> byName = new java.util.HashMap<>();
        for (ParamStore.Param p : params.params()) byName.put(p.name, p);
        for (ParamStore.Param p : params.params()) {
            if (p.name.endsWith("original0")) continue; // set from its v below
            String prefix = p.name.endsWith(".bias") ? p.name.substring(0, p.name.length() - 5) : null;
            ParamStore.Param v = prefix == null ? null : byName.get(prefix + ".parametrizations.weight.original1");
            long fanIn = p.name.endsWith("original1") || p.shape.length == 2 ? p.size / p.shape[0] : v != null ? v.size / v.shape[0] : 1;
            double bound = 1 / Math.sqrt(fanIn);
            for (long i = 0; i < p.size; i++) {
                float value;
                if (p.name.endsWith(".alpha") || p.name.endsWith("norm.weight")) value = 1f;
                else if (p.name.endsWith("rel_pos.inv_freq")) value = LocalMHA.defaultInvFreq((int) p.size * 2)[(int) i];
                else if (p.name.endsWith(".bias")) value = 0f; // DAC's init; see below
                else if (p.name.endsWith("codebook.weight")) value = (float) dev.qwenomni.tensor.Init.gaussian(r);
                else value = (float) ((2 * r.nextDouble() - 1) * bound); // conv weights and biases
                dev.qwenomni.tensor.Kernels.set(p.v, i, value);
            }
            if (p.name.endsWith("original1")) {
                ParamStore.Param g = byName.get(p.name.replace("original1", "original0"));
                int rows = (int) p.shape[0], n = (int) (p.size / rows);
                for (int row = 0; row < rows; row++) {
                    double ss = 0;
                    for (int i = row * n; i < (row + 1) * n; i++) { float x = dev.qwenomni.tensor.Kernels.get(p.v, i); ss += x * x; }
                    dev.qwenomni.tensor.Kernels.set(g.v, row, (float) Math.sqrt(ss));
                }
            }
        }
    }

    /**
     * Copies the named parameters (those {@code which} accepts) from another codec, by name; each
     * must exist there with the same shape.
     */
    public void copyWeights(SnacCodec from, java.util.function.Predicate<String> which) {
        for (Param p : params.params()) {
            if (!which.test(p.name)) continue;
            if (!from.params.has(p.name)) throw new IllegalArgumentException("source codec has no " + p.name + " (" + p.shapeString() + ")");
            Param q = from.params.get(p.name);
            if (!java.util.Arrays.equals(q.shape, p.shape))
                throw new IllegalArgumentException("source codec has " + p.name + " " + q.shapeString() + ", this codec needs " + p.shapeString());
            java.lang.foreign.MemorySegment.copy(q.v, 0, p.v, 0, p.size * Float.BYTES);
        }
    }

    /**
     * Sets how this codec's dense convolutions compute (GEMM by default; DIRECT gives the same bits
     * in any streaming window). A setting of this instance only.
     */
    public SnacCodec useConvKernel(ConvKernel kernel) {
        this.convKernel = kernel;
        encoder.useConvKernel(kernel);
        quantizers.forEach(q -> q.useConvKernel(kernel));
        decoder.useConvKernel(kernel);
        return this;
    }

    public ConvKernel convKernel() { return convKernel; }

    /** Right-pads audio with zeros to a multiple of hop * lcm(vq_strides[0], window). */
    public float[] preprocess(float[] audio) {
        int m = config.padMultiple();
        int n = (audio.length + m - 1) / m * m;
        return java.util.Arrays.copyOf(audio, n);
    }

    /** How {@link #encode} picks each level's code (cosine by default, as SNAC and our training do). */
    public void setCodeChoice(VectorQuantizer.CodeChoice c) { quantizers.forEach(q -> q.setCodeChoice(c)); }

    /** Latent [latent_dim][T / hop] of padded audio. */
    public float[] encodeLatent(float[] padded) { return encoder.forward(padded, padded.length); }

    /** Codes per level (coarse first) for raw audio at the codec's rate. */
    public int[][] encode(float[] audio) {
        float[] x = preprocess(audio);
        return quantize(encodeLatent(x), x.length / config.hopLength());
    }

    /** Codes per level (coarse first) of a latent [latent_dim][T]: the residual chain, each level by its code choice. */
    public int[][] quantize(float[] latent, int T) {
        float[] residual = latent.clone();
        int[][] codes = new int[quantizers.size()][];
        for (int i = 0; i < quantizers.size(); i++) {
            VectorQuantizer q = quantizers.get(i);
            codes[i] = q.encode(residual, T);
            float[] zq = q.fromCodes(codes[i]);
            for (int j = 0; j < residual.length; j++) residual[j] -= zq[j];
        }
        return codes;
    }

    /** Sum over levels of out_proj(codebook[codes]) repeated to the finest rate: [latent][T]. */
    public float[] quantizedLatent(int[][] codes) {
        if (codes.length != quantizers.size()) throw new IllegalArgumentException("expected " + quantizers.size() + " code levels, got " + codes.length);
        int T = codes[codes.length - 1].length * quantizers.get(quantizers.size() - 1).stride;
        float[] z = new float[config.latentDim() * T];
        for (int i = 0; i < codes.length; i++) {
            VectorQuantizer q = quantizers.get(i);
            if (codes[i].length * q.stride != T)
                throw new IllegalArgumentException("level " + i + " has " + codes[i].length + " codes; expected " + T / q.stride);
            float[] zi = q.fromCodes(codes[i]);
            for (int j = 0; j < z.length; j++) z[j] += zi[j];
        }
        return z;
    }

    /**
     * Padded audio through the encoder, each level's projections without the code choice ({@link
     * VectorQuantizer#passThrough}) and the decoder: what the codec renders when its codes cost nothing.
     */
    public float[] reconstructUnquantized(float[] padded, NoiseSource noise) {
        int T = padded.length / config.hopLength();
        float[] residual = encodeLatent(padded), z = new float[residual.length];
        for (VectorQuantizer q : quantizers) {
            float[] out = q.passThrough(residual, T);
            for (int j = 0; j < z.length; j++) { z[j] += out[j]; residual[j] -= out[j]; }
        }
        return decodeLatent(z, T, 0, noise);
    }

    /** Audio (len(codes[-1]) * hop samples) from codes; the noise blocks draw from {@code noise} (NoiseSource.OFF: none). */
    public float[] decode(int[][] codes, NoiseSource noise) {
        float[] z = quantizedLatent(codes);
        return decodeLatent(z, codes[codes.length - 1].length * quantizers.get(quantizers.size() - 1).stride, 0, noise);
    }

    /** Decoder on latent frames [startFrame, startFrame + T) of a longer sequence (noise positions follow). */
    public float[] decodeLatent(float[] z, int T, long startFrame, NoiseSource noise) {
        noiseBlocks.forEach(n -> n.prepare(noise, startFrame));
        return decoder.forward(z, T);
    }

    /**
     * Latent frames of context the decoder needs on each side of a frame ({left, right}), from
     * the layers' exact input ranges: decoding a window with this much context reproduces the
     * one-shot samples of its middle.
     */
    public int[] decoderContext() {
        int hop = decoder.outLength(1), f = 1000;
        int[] r = decoder.inputRange(f * hop, (f + 1) * hop - 1);
        return new int[]{f - r[0], r[1] - f};
    }

    /**
     * Training forward on padded audio: encoder, residual VQ with straight-through estimators,
     * decoder. Returns the reconstruction; {@link #vqLoss()} holds the summed VQ MSE.
     */
    public float[] trainForward(float[] padded, NoiseSource noise) {
        return trainForward(padded, noise, true);
    }

    /** The training forward without collecting encodings for dead-code re-seeding (evaluation). */
    public float[] reconstruct(float[] padded, NoiseSource noise) {
        return trainForward(padded, noise, false);
    }

    private float[] trainForward(float[] padded, NoiseSource noise, boolean collect) {
        int T = padded.length / config.hopLength();
        float[] residual = encoder.forward(padded, padded.length);
        float[] zq = new float[residual.length];
        for (VectorQuantizer q : quantizers) {
            float[] out = q.trainForward(residual, T, collect);
            for (int j = 0; j < zq.length; j++) { zq[j] += out[j]; residual[j] -= out[j]; }
        }
        return decodeLatent(zq, T, 0, noise);
    }

    /** Sum over levels of MSE(z_e, z_q) from the last training forward. */
    public double vqLoss() {
        double s = 0;
        for (VectorQuantizer q : quantizers) s += q.lastMse();
        return s;
    }

    /**
     * Backward of {@link #trainForward} given dL/d(audio), with the commitment and codebook terms
     * weighted as given. The residual chain r_{i+1} = r_i - q_i(r_i) is differentiated exactly.
     */
    public void trainBackward(float[] dAudio, float wCommit, float wCodebook) {
        float[] dzq = decoder.backward(dAudio);
        if (codesFrozen) return;
        float[] dRes = new float[dzq.length];
        for (int i = quantizers.size() - 1; i >= 0; i--) {
            float[] dOut = new float[dzq.length];
            for (int j = 0; j < dOut.length; j++) dOut[j] = dzq[j] - dRes[j];
            float[] dIn = quantizers.get(i).trainBackward(dOut, wCommit, wCodebook);
            for (int j = 0; j < dRes.length; j++) dRes[j] += dIn[j];
        }
        encoder.backward(dRes);
    }

    /**
     * Freezes what decides the codes (the encoder and the quantizers: in_proj, codebook, out_proj),
     * so that training goes on in the decoder alone. Codes of any audio then stay the same, and a
     * TTS model trained on them stays valid while the decoder improves; backward stops at the
     * decoder's input.
     */
    public void freezeCodes() {
        if (decodingFrozen) throw new IllegalStateException("the decoding is frozen already: freeze the codes or the decoding, not both");
        codesFrozen = true;
        for (Param p : params.params()) if (definesCodes(p.name)) p.frozen = true;
    }

    public boolean codesFrozen() { return codesFrozen; }

    /**
     * Freezes what turns codes into audio (the codebooks, out_proj and the decoder), so that
     * training goes on in the encoder and in_proj alone: it learns which codes to pick for a clip,
     * while every code sequence still decodes to the same audio, so a TTS model trained on these
     * codes stays valid. The straight-through gradient still passes the frozen decoder.
     */
    public void freezeDecoding() {
        if (codesFrozen) throw new IllegalStateException("the codes are frozen already: freeze the codes or the decoding, not both");
        decodingFrozen = true;
        for (Param p : params.params()) if (definesDecoding(p.name)) p.frozen = true;
    }

    public boolean decodingFrozen() { return decodingFrozen; }

    /** Whether a parameter maps codes to audio: the decoder, the codebooks and out_proj (see {@link #freezeDecoding()}). */
    public static boolean definesDecoding(String name) {
        return name.startsWith("decoder.") || definesCodeVectors(name);
    }

    /** Whether a parameter turns a code into the vector the decoder sums: its level's codebook and out_proj. */
    public static boolean definesCodeVectors(String name) {
        return name.startsWith("quantizer.") && (name.contains(".codebook.") || name.contains(".out_proj."));
    }

    /** Whether a parameter belongs to the encoder or the quantizers (see {@link #freezeCodes()}). */
    public static boolean definesCodes(String name) {
        return name.startsWith("encoder.") || name.startsWith("quantizer.");
    }

    /** Backward of the last decode: adds gradients of the decoder, out_proj and codebooks. */
    public void decodeBackward(float[] dAudio) {
        float[] dz = decoder.backward(dAudio);
        for (VectorQuantizer q : quantizers) q.fromCodesBackward(dz);
    }
}
