package dev.qwenomni.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The decoder's hyper-parameters, read from and written to HF config.json keys. One switch
 * (model_type) covers the family: qwen3 (q/k norm, no biases), qwen2 (q/k/v bias, no q/k norm),
 * llama (attention_bias on q/k/v/o, no q/k norm).
 */
public record Qwen3Config(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                          int numHeads, int numKvHeads, int headDim, double ropeTheta, double rmsNormEps,
                          boolean tieWordEmbeddings, boolean qkvBias, boolean oBias, boolean qkNorm,
                          int maxPositions, int bosTokenId, int eosTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Qwen3Config {
        require(vocabSize > 0, "vocab_size", vocabSize);
        require(hiddenSize > 0, "hidden_size", hiddenSize);
        require(intermediateSize > 0, "intermediate_size", intermediateSize);
        require(numLayers > 0, "num_hidden_layers", numLayers);
        require(numHeads > 0, "num_attention_heads", numHeads);
        require(numKvHeads > 0 && numHeads % numKvHeads == 0, "num_key_value_heads", numKvHeads);
        require(headDim > 0 && headDim % 2 == 0, "head_dim", headDim);
        require(maxPositions > 0, "max_position_embeddings", maxPositions);
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) throw new IllegalArgumentException("config.json: invalid " + key + " = " + value);
    }

    /** The same model with another vocabulary size (e.g. a TTS model moved to a codec with larger codebooks). */
    public Qwen3Config withVocabSize(int vocab) {
        return new Qwen3Config(modelType, vocab, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, ropeTheta,
                rmsNormEps, tieWordEmbeddings, qkvBias, oBias, qkNorm, maxPositions, bosTokenId, eosTokenId);
    }

    /** A Qwen3 config with the family's defaults (no biases, q/k norm, eps 1e-6). */
    public static Qwen3Config qwen3(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads,
                                    int headDim, double theta, int maxPos, boolean tied) {
        return new Qwen3Config("qwen3", vocab, hidden, intermediate, layers, heads, kvHeads, headDim, theta, 1e-6,
                tied, false, false, true, maxPos, -1, -1);
    }

    enum Family {
        QWEN3, QWEN2, LLAMA;

        static Family of(String modelType) {
            return switch (modelType) {
                case "qwen3" -> QWEN3;
                case "qwen2" -> QWEN2;
                case "llama" -> LLAMA;
                default -> throw new IllegalArgumentException(
                        "config.json: model_type '" + modelType + "' is not supported (qwen3, qwen2 or llama)");
            };
        }
    }

    /** Parameters per token for the 6N FLOP estimate (embedding lookups excluded, lm_head included). */
    public long matmulParams() {
        long attn = (long) hiddenSize * headDim * (2L * numHeads + 2L * numKvHeads);
        long mlp = 3L * hiddenSize * intermediateSize;
        return numLayers * (attn + mlp) + (long) vocabSize * hiddenSize;
    }

    public static Qwen3Config read(Path file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            return fromJson(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static Qwen3Config fromJson(JsonNode n) {
        String type = n.path("model_type").asText("qwen3");
        Family f = Family.of(type);
        if (n.hasNonNull("rope_scaling"))
            throw new IllegalArgumentException("rope_scaling " + n.get("rope_scaling") + " is not supported");
        if (n.path("mlp_bias").asBoolean(false)) throw new IllegalArgumentException("mlp_bias true is not supported");
        String act = n.path("hidden_act").asText("silu");
        if (!act.equals("silu")) throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (silu only)");
        int hidden = need(n, "hidden_size"), heads = need(n, "num_attention_heads");
        int headDim = n.hasNonNull("head_dim") ? n.get("head_dim").asInt() : hidden / heads;
        boolean attnBias = n.path("attention_bias").asBoolean(false);
        boolean qkvBias = switch (f) { case QWEN2 -> true; default -> attnBias; };
        boolean oBias = f != Family.QWEN2 && attnBias;
        double eps = n.path("rms_norm_eps").asDouble(f == Family.LLAMA ? 1e-5 : 1e-6);
        return new Qwen3Config(type, need(n, "vocab_size"), hidden, need(n, "intermediate_size"),
                need(n, "num_hidden_layers"), heads, n.path("num_key_value_heads").asInt(heads), headDim,
                n.path("rope_theta").asDouble(10000.0), eps, n.path("tie_word_embeddings").asBoolean(false),
                qkvBias, oBias, f == Family.QWEN3, n.path("max_position_embeddings").asInt(2048),
                n.path("bos_token_id").asInt(-1), n.path("eos_token_id").asInt(-1));
    }

    private static int need(JsonNode n, String key) {
        if (!n.hasNonNull(key)) throw new IllegalArgumentException("missing key " + key);
        return n.get(key).asInt();
    }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        Family f = Family.of(modelType);
        n.putArray("architectures").add(switch (f) {
            case QWEN3 -> "Qwen3ForCausalLM";
            case QWEN2 -> "Qwen2ForCausalLM";
            case LLAMA -> "LlamaForCausalLM";
        });
        n.put("model_type", modelType);
        n.put("vocab_size", vocabSize);
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", numLayers);
        n.put("num_attention_heads", numHeads);
        n.put("num_key_value_heads", numKvHeads);
        n.put("head_dim", headDim);
        n.put("hidden_act", "silu");
        n.put("max_position_embeddings", maxPositions);
        n.put("rms_norm_eps", rmsNormEps);
        n.put("rope_theta", ropeTheta);
        n.putNull("rope_scaling");
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("attention_bias", f == Family.QWEN2 ? false : qkvBias);
        n.put("attention_dropout", 0.0);
        n.put("initializer_range", 0.02);
        n.put("use_cache", true);
        n.put("torch_dtype", "float32");
        if (bosTokenId >= 0) n.put("bos_token_id", bosTokenId);
        if (eosTokenId >= 0) n.put("eos_token_id", eosTokenId);
        return n;
    }

    public void write(Path file) throws IOException {
        dev.qwenomni.sys.AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
    }
}
