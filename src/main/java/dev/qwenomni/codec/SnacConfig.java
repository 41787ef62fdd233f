package dev.qwenomni.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** SNAC's config.json: the same keys, so the published configs and ours are interchangeable. */
public record SnacConfig(int samplingRate, int encoderDim, int[] encoderRates, int decoderDim, int[] decoderRates,
                         Integer attnWindowSize, int codebookSize, int codebookDim, int[] vqStrides, boolean noise,
                         boolean depthwise) {

    public static final SnacConfig SNAC_24KHZ = new SnacConfig(24000, 48, new int[]{2, 4, 8, 8}, 1024, new int[]{8, 8, 4, 2},
            null, 4096, 8, new int[]{4, 2, 1}, true, true);

    public SnacConfig {
        if (encoderDim <= 0 || decoderDim <= 0 || codebookSize <= 0 || codebookDim <= 0)
            throw new IllegalArgumentException("config: dimensions must be positive");
        if (vqStrides.length == 0) throw new IllegalArgumentException("config: vq_strides is empty");
    }

    public int latentDim() { return encoderDim * (1 << encoderRates.length); }

    /** This config with another encoder_dim (and with it the latent), as a widened codec needs. */
    public SnacConfig withEncoderDim(int dim) {
        return new SnacConfig(samplingRate, dim, encoderRates, decoderDim, decoderRates, attnWindowSize, codebookSize, codebookDim, vqStrides, noise, depthwise);
    }

    /** This config with another decoder_dim. */
    public SnacConfig withDecoderDim(int dim) {
        return new SnacConfig(samplingRate, encoderDim, encoderRates, dim, decoderRates, attnWindowSize, codebookSize, codebookDim, vqStrides, noise, depthwise);
    }

    /** This config with another codebook_size. */
    public SnacConfig withCodebookSize(int size) {
        return new SnacConfig(samplingRate, encoderDim, encoderRates, decoderDim, decoderRates, attnWindowSize, size, codebookDim, vqStrides, noise, depthwise);
    }

    public int hopLength() { return Arrays.stream(encoderRates).reduce(1, (a, b) -> a * b); }

    /** Audio is right-padded to a multiple of this many samples. */
    public int padMultiple() {
        int w = attnWindowSize == null ? 1 : attnWindowSize;
        return hopLength() * lcm(vqStrides[0], w);
    }

    private static int lcm(int a, int b) { return a / gcd(a, b) * b; }
    private static int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }

    public static SnacConfig read(Path file) throws IOException {
        JsonNode n = new ObjectMapper().readTree(file.toFile());
        try {
            return new SnacConfig(n.path("sampling_rate").asInt(24000), need(n, "encoder_dim").asInt(), ints(n, "encoder_rates"),
                    need(n, "decoder_dim").asInt(), ints(n, "decoder_rates"),
                    n.hasNonNull("attn_window_size") ? n.get("attn_window_size").asInt() : null,
                    need(n, "codebook_size").asInt(), need(n, "codebook_dim").asInt(), ints(n, "vq_strides"),
                    n.path("noise").asBoolean(true), n.path("depthwise").asBoolean(true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode need(JsonNode n, String k) {
        if (!n.hasNonNull(k)) throw new IllegalArgumentException("missing key " + k);
        return n.get(k);
    }

    private static int[] ints(JsonNode n, String k) {
        JsonNode a = need(n, k);
        if (!a.isArray()) throw new IllegalArgumentException(k + " is not a list");
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }
}
