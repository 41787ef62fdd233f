package dev.qwenomni.tts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qwenomni.codec.CodecCheckpoint;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.sys.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a TTS checkpoint needs besides the LM weights, saved as tts.json beside config.json: the
 * text front-end, the codebook size of the layout, the codes it was trained on (the SHA-256 of the
 * codec's encoder and quantizers) and what those codes stand for (that of its codebooks and out_proj), so a codec
 * whose codes mean something else is refused, the voices it was trained on and its default one, and the speaking rate
 * used to cap generation length.
 */
public record TtsConfig(TextFrontEnd frontEnd, int codebookSize, String codesSha256, String defaultVoice,
                        double maxSecondsPerSymbol, double frameRate, String codebooksSha256, List<String> voices) {
    public static final String FILE = "tts.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** voices: those the model was trained on; null or empty means its default voice alone. */
    public TtsConfig {
        voices = voices == null || voices.isEmpty() ? List.of(defaultVoice) : List.copyOf(voices);
        if (!voices.contains(defaultVoice)) throw new IllegalArgumentException("default voice " + defaultVoice + " is not among the voices " + voices);
    }

    /** One voice. */
    public TtsConfig(TextFrontEnd frontEnd, int codebookSize, String codesSha256, String defaultVoice, double maxSecondsPerSymbol, double frameRate,
                     String codebooksSha256) {
        this(frontEnd, codebookSize, codesSha256, defaultVoice, maxSecondsPerSymbol, frameRate, codebooksSha256, null);
    }

    /** Without the codebooks' hash (as checkpoints from before 2026-11-28): only a codec with the very same codes will do. */
    public TtsConfig(TextFrontEnd frontEnd, int codebookSize, String codesSha256, String defaultVoice, double maxSecondsPerSymbol, double frameRate) {
        this(frontEnd, codebookSize, codesSha256, defaultVoice, maxSecondsPerSymbol, frameRate, null, null);
    }

    /** The voice to speak with: the default for null, else one the model was trained on (a clear error otherwise). */
    public String voice(String requested) {
        if (requested == null) return defaultVoice;
        if (!voices.contains(requested))
            throw new IllegalArgumentException("unknown voice '" + requested + "': this model speaks " + String.join(", ", voices));
        return requested;
    }

    /**
     * Whether this model speaks through the codec: it was trained on the codec's codes, or the codec's codes stand for the
     * same vectors (same codebooks and out_proj; the encoder may pick them differently since, the decoder may have trained on).
     */
    public boolean speaksThrough(SnacCodec codec) {
        return CodecCheckpoint.hasCodes(codec, codesSha256)
                || codebooksSha256 != null && codebooksSha256.equals(CodecCheckpoint.codebooksSha256(codec));
    }

    public SpeechTokens tokens() { return SpeechTokens.bytes(codebookSize); }

    /** Frames allowed for a prompt of n symbols: a generous cap (1 s plus the slowest rate seen). */
    public int maxFrames(int symbols) { return (int) Math.ceil((1 + symbols * maxSecondsPerSymbol) * frameRate); }

    public void write(Path dir) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("front_end", frontEnd.id());
        n.put("codebook_size", codebookSize);
        n.put("codec_codes_sha256", codesSha256);
        if (codebooksSha256 != null) n.put("codec_codebooks_sha256", codebooksSha256);
        n.put("default_voice", defaultVoice);
        voices.forEach(n.putArray("voices")::add);
        n.put("max_seconds_per_symbol", maxSecondsPerSymbol);
        n.put("frame_rate", frameRate);
        SpeechTokens t = tokens();
        ObjectNode ids = n.putObject("special_tokens");
        ids.put("end_of_text", t.endOfText()).put("pad", t.pad()).put("start_of_human", t.startOfHuman())
                .put("end_of_human", t.endOfHuman()).put("start_of_ai", t.startOfAi()).put("end_of_ai", t.endOfAi())
                .put("start_of_speech", t.startOfSpeech()).put("end_of_speech", t.endOfSpeech()).put("audio_base", t.audio().audioBase());
        AtomicFiles.write(dir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n).getBytes(StandardCharsets.UTF_8));
    }

    public static TtsConfig read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IOException(f + " not found: " + dir + " is not a TTS checkpoint (train one with omni tts train)");
        JsonNode n = JSON.readTree(f.toFile());
        try {
            return new TtsConfig(TextFrontEnd.parse(need(n, "front_end").asText()), need(n, "codebook_size").asInt(),
                    need(n, "codec_codes_sha256").asText(), need(n, "default_voice").asText(), need(n, "max_seconds_per_symbol").asDouble(),
                    need(n, "frame_rate").asDouble(), n.hasNonNull("codec_codebooks_sha256") ? n.get("codec_codebooks_sha256").asText() : null,
                    n.has("voices") ? java.util.stream.StreamSupport.stream(n.get("voices").spliterator(), false).map(JsonNode::asText).toList() : null);
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode need(JsonNode n, String key) {
        if (!n.hasNonNull(key)) throw new IllegalArgumentException("missing key '" + key + "'");
        return n.get(key);
    }
}
