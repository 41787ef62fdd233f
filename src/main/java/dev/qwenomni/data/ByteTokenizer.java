package dev.qwenomni.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qwenomni.sys.AtomicFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Byte-level tokenizer: ids 0..255 are the UTF-8 bytes, then special tokens. It is saved as an
 * HF tokenizer.json (a BPE model with the GPT-2 byte alphabet and no merges, ByteLevel
 * pre-tokenizer and decoder), so the HF tokenizers library encodes text to the same ids.
 */
public final class ByteTokenizer {
    public static final int BYTES = 256;
    public static final List<String> SPECIALS = List.of("<|endoftext|>", "<|pad|>");
    public static final int EOT = 256, PAD = 257;

    public int vocabSize() { return BYTES + SPECIALS.size(); }

    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xff;
        return ids;
    }

    /** Bytes back to text; special tokens are dropped, invalid UTF-8 becomes U+FFFD. */
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length);
        for (int id : ids) if (id >= 0 && id < BYTES) out.write(id);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** GPT-2's printable stand-in for each byte, the alphabet of HF byte-level BPE. */
    static String byteChar(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) return String.valueOf((char) b);
        int n = 0;
        for (int x = 0; x < b; x++) {
            boolean p = (x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
            if (!p) n++;
        }
        return String.valueOf((char) (256 + n));
    }

    /** tokenizer.json, tokenizer_config.json and special_tokens_map.json into dir. */
    public void writeHf(Path dir, int modelMaxLength) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", BYTES + i);
            t.put("content", SPECIALS.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", false);
        pre.put("use_regex", false);
        root.putNull("post_processor");
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", false);
        dec.put("trim_offsets", false);
        dec.put("use_regex", false);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < BYTES; b++) vocab.put(byteChar(b), b);
        model.putArray("merges");
        AtomicFiles.write(dir.resolve("tokenizer.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));

        ObjectNode cfg = json.createObjectNode();
        cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
        cfg.put("eos_token", SPECIALS.get(0));
        cfg.put("pad_token", SPECIALS.get(1));
        cfg.put("model_max_length", modelMaxLength);
        cfg.put("clean_up_tokenization_spaces", false);
        AtomicFiles.write(dir.resolve("tokenizer_config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg));
        ObjectNode map = json.createObjectNode();
        map.put("eos_token", SPECIALS.get(0));
        map.put("pad_token", SPECIALS.get(1));
        AtomicFiles.write(dir.resolve("special_tokens_map.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(map));
    }
}
