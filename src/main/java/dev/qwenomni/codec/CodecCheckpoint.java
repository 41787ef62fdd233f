package dev.qwenomni.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qwenomni.sys.AtomicFiles;
import dev.qwenomni.io.SafeTensors;
import dev.qwenomni.tensor.ParamStore.Param;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Codec checkpoints as the snac package keeps them: config.json (SNAC keys) and
 * model.safetensors with SNAC's parameter names. Weight norm is read from
 * `parametrizations.weight.original0/1` or the older `weight_g` / `weight_v` names.
 */
public final class CodecCheckpoint {
    private CodecCheckpoint() {}

    /** Loads config.json with model.safetensors, or with the published pytorch_model.bin. */
    public static SnacCodec load(Path dir) throws IOException {
        Path cfg = dir.resolve("config.json"), weights = dir.resolve("model.safetensors"), torch = dir.resolve("pytorch_model.bin");
        if (!Files.isRegularFile(cfg)) throw new IOException(dir + ": no config.json");
        SnacCodec codec = new SnacCodec(SnacConfig.read(cfg));
        if (Files.isRegularFile(weights)) {
            try (SafeTensors.Reader r = SafeTensors.open(weights)) {
                loadWeights(codec, r, "");
            }
        } else if (Files.isRegularFile(torch)) {
            loadTorch(codec, torch);
        } else {
            throw new IOException(dir + ": neither model.safetensors nor pytorch_model.bin");
        }
        return codec;
    }

    /** Weights from a torch.save state dict (read by our strict unpickler). */
    public static void loadTorch(SnacCodec codec, Path file) throws IOException {
        Map<String, dev.qwenomni.io.TorchCheckpoint.Tensor> sd = dev.qwenomni.io.TorchCheckpoint.read(file);
        for (Param p : codec.params.params()) {
            var t = sd.containsKey(p.name) ? sd.get(p.name) : sd.get(legacyName(p.name));
            if (t == null) throw new IOException(file + ": tensor " + p.name + " " + p.shapeString() + " is missing");
            if (!java.util.Arrays.equals(t.shape(), p.shape))
                throw new IOException(file + ": tensor " + p.name + ": shape " + java.util.Arrays.toString(t.shape()) + " does not match the model's " + p.shapeString());
            java.lang.foreign.MemorySegment.copy(t.data(), 0, p.v, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, t.data().length);
        }
    }

    public static void loadWeights(SnacCodec codec, SafeTensors.Reader r, String prefix) throws IOException {
        for (Param p : codec.params.params()) {
            String name = prefix + p.name;
            if (!r.has(name)) name = prefix + legacyName(p.name);
            if (!r.has(name)) throw new IOException(r.file() + ": tensor " + prefix + p.name + " " + p.shapeString() + " is missing");
            r.readFloats(name, p.v, p.shape);
        }
    }

    static String legacyName(String name) {
        return name.replace(".parametrizations.weight.original0", ".weight_g").replace(".parametrizations.weight.original1", ".weight_v");
    }

    public static void save(SnacCodec codec, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        AtomicFiles.write(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(configJson(codec.config)));
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        for (Param p : codec.params.params()) t.put(p.name, new SafeTensors.Entry(p.shape, p.v));
        SafeTensors.writeF32(dir.resolve("model.safetensors"), t, Map.of("format", "pt"));
    }

    /**
     * SHA-256 (hex) of what decides which codes audio gets: the config's encoder and quantizer
     * fields (not decoder_dim, decoder_rates or noise) plus every encoder and quantizer tensor
     * (name, shape, values). A TTS model is tied to this, not to the whole file, so the decoder can
     * go on training, or be widened (codec widen, in the research source set), under a trained TTS model.
     */
    public static String codesSha256(SnacCodec codec) {
        ObjectNode cfg = configJson(codec.config);
        cfg.remove(List.of("decoder_dim", "decoder_rates", "noise"));
        return sha256(cfg, codec, SnacCodec::definesCodes);
    }

    /**
     * SHA-256 (hex) of what a code stands for: the config fields that fix the code streams'
     * rates and sizes plus each level's codebook and out_proj tensors. Encoder-only training
     * ({@link SnacCodec#freezeDecoding}) keeps it, so a TTS model that records it still speaks
     * through such a codec: its codes decode through the same vectors to a decoder that is free
     * to have trained on.
     */
    public static String codebooksSha256(SnacCodec codec) {
        SnacConfig c = codec.config;
        ObjectNode cfg = new ObjectMapper().createObjectNode();
        cfg.put("sampling_rate", c.samplingRate()).put("hop_length", c.hopLength()).put("codebook_size", c.codebookSize())
                .put("codebook_dim", c.codebookDim()).put("latent_dim", c.latentDim());
        var strides = cfg.putArray("vq_strides");
        for (int s : c.vqStrides()) strides.add(s);
        return sha256(cfg, codec, SnacCodec::definesCodeVectors);
    }

    /**
     * The hash as it was first defined, over the whole config: TTS checkpoints from before
     * 2026-11-26 carry this one, and they still load with a codec of the same config.
     */
    public static String legacyCodesSha256(SnacCodec codec) { return sha256(configJson(codec.config), codec, SnacCodec::definesCodes); }

    /** Whether a TTS model that stored this hash was trained on this codec's codes. */
    public static boolean hasCodes(SnacCodec codec, String sha256) {
        return codesSha256(codec).equals(sha256) || legacyCodesSha256(codec).equals(sha256);
    }

    private static String sha256(ObjectNode cfg, SnacCodec codec, java.util.function.Predicate<String> tensors) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update(cfg.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (Param p : codec.params.params()) {
                if (!tensors.test(p.name)) continue;
                d.update((p.name + p.shapeString()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                d.update(p.v.asSlice(0, p.size * Float.BYTES).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The config as SNAC's config.json keys. */
    public static ObjectNode configJson(SnacConfig c) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("sampling_rate", c.samplingRate());
        n.put("encoder_dim", c.encoderDim());
        var er = n.putArray("encoder_rates");
        for (int x : c.encoderRates()) er.add(x);
        n.put("decoder_dim", c.decoderDim());
        var dr = n.putArray("decoder_rates");
        for (int x : c.decoderRates()) dr.add(x);
        if (c.attnWindowSize() == null) n.putNull("attn_window_size"); else n.put("attn_window_size", c.attnWindowSize());
        n.put("codebook_size", c.codebookSize());
        n.put("codebook_dim", c.codebookDim());
        var vs = n.putArray("vq_strides");
        for (int x : c.vqStrides()) vs.add(x);
        n.put("noise", c.noise());
        n.put("depthwise", c.depthwise());
        return n;
    }
}
