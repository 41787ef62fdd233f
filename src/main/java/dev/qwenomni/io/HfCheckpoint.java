package dev.qwenomni.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.model.Qwen3Weights;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.ParamStore.Param;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * HF checkpoint directories: config.json + model.safetensors (or a sharded
 * model.safetensors.index.json), loadable by transformers' Qwen3ForCausalLM and back.
 */
public final class HfCheckpoint {
    private static final Logger log = LoggerFactory.getLogger(HfCheckpoint.class);
    public static final String WEIGHTS = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private HfCheckpoint() {}

    public static Qwen3Model load(Path dir, AttentionKind kind) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) throw new IOException(dir + ": not a checkpoint directory (no config.json)");
        Qwen3Model model = new Qwen3Model(Qwen3Config.read(cfgFile), kind);
        loadWeights(model.weights, dir);
        return model;
    }

    /** Loads a checkpoint's weights into model after checking its config.json equals model's config (training resume). */
    public static void loadMatching(Qwen3Model model, Path dir) throws IOException {
        Qwen3Config saved = Qwen3Config.read(dir.resolve("config.json"));
        if (!saved.equals(model.config))
            throw new IOException(dir + "/config.json: the checkpoint's model config " + saved + " differs from the requested " + model.config);
        loadWeights(model.weights, dir);
    }

    /**
     * Loads a checkpoint whose config differs from the model's at most in vocab_size: every tensor as saved, except
     * that row i of the token embedding (and of an untied lm_head) is the saved row sourceRow[i], or keeps what it
     * holds where sourceRow[i] is -1 (initialise the model first). For a TTS model moved to a codec with other codes:
     * the text, the specials and the whole body carry over, and each audio row starts from its old code's row where
     * the codes correspond, or fresh where they do not.
     */
    public static void loadRows(Qwen3Model model, Path dir, int[] sourceRow) throws IOException {
        Qwen3Config saved = Qwen3Config.read(dir.resolve("config.json"));
        if (!saved.withVocabSize(model.config.vocabSize()).equals(model.config))
            throw new IOException(dir + "/config.json: the checkpoint's model config " + saved + " differs from the requested "
                    + model.config + " in more than vocab_size");
        if (sourceRow.length != model.config.vocabSize())
            throw new IllegalArgumentException(sourceRow.length + " row sources for a " + model.config.vocabSize() + "-token vocabulary");
        for (int i = 0; i < sourceRow.length; i++)
            if (sourceRow[i] < -1 || sourceRow[i] >= saved.vocabSize())
                throw new IllegalArgumentException("row " + i + " would come from row " + sourceRow[i] + " of a " + saved.vocabSize() + "-token checkpoint");
        Path file = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(file)) throw new IOException(dir + ": " + WEIGHTS + " not found (a sharded checkpoint cannot change its vocabulary)");
        Qwen3Weights w = model.weights;
        try (SafeTensors.Reader r = SafeTensors.open(file)) {
            for (Param p : w.store.params()) {
                if (!r.has(p.name)) throw new IOException(file + ": tensor " + p.name + " " + p.shapeString() + " is missing");
                if (p != w.embed && p != w.lmHead) {
                    r.readFloats(p.name, p.v, p.shape);
                    continue;
                }
                long[] shape = r.info(p.name).shape();
                if (shape.length != 2 || shape[0] != saved.vocabSize() || shape[1] != p.shape[1])
                    throw new IOException(file + ": tensor " + p.name + " has shape " + java.util.Arrays.toString(shape) + ", expected ["
                            + saved.vocabSize() + ", " + p.shape[1] + "]");
                float[] rows = r.floats(p.name);
                long width = p.shape[1];
                var from = java.lang.foreign.MemorySegment.ofArray(rows);
                for (int i = 0; i < sourceRow.length; i++)
                    if (sourceRow[i] >= 0)
                        java.lang.foreign.MemorySegment.copy(from, sourceRow[i] * width * Float.BYTES, p.v, i * width * Float.BYTES, width * Float.BYTES);
            }
        }
    }

    /** Reads every parameter from the directory's safetensors file(s), by HF name. */
    public static void loadWeights(Qwen3Weights w, Path dir) throws IOException {
        Path single = dir.resolve(WEIGHTS), index = dir.resolve(INDEX);
        Map<String, Path> fileOf = new HashMap<>();
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(single)) {
            files.add(single);
        } else if (Files.isRegularFile(index)) {
            JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
            if (!map.isObject()) throw new IOException(index + ": no weight_map object");
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                var e = it.next();
                Path f = dir.resolve(e.getValue().asText());
                fileOf.put(e.getKey(), f);
                if (!files.contains(f)) files.add(f);
            }
        } else {
            throw new IOException(dir + ": neither " + WEIGHTS + " nor " + INDEX + " found");
        }
        Map<Path, SafeTensors.Reader> readers = new LinkedHashMap<>();
        try {
            for (Path f : files) {
                if (!Files.isRegularFile(f)) throw new IOException(index + ": names shard " + f.getFileName() + ", which is missing");
                readers.put(f, SafeTensors.open(f));
            }
            TreeSet<String> unused = new TreeSet<>();
            readers.values().forEach(r -> unused.addAll(r.tensors().keySet()));
            for (Param p : w.store.params()) {
                SafeTensors.Reader r = fileOf.isEmpty() ? readers.get(single) : readers.get(fileOf.get(p.name));
                if (r == null || !r.has(p.name))
                    throw new IOException(dir + ": tensor " + p.name + " " + p.shapeString() + " is missing");
                r.readFloats(p.name, p.v, p.shape);
                unused.remove(p.name);
            }
            if (w.lmHead == w.embed) unused.remove("lm_head.weight"); // tied: the copy is ignored
            if (!unused.isEmpty()) log.warn("{}: ignoring {} tensors the model does not use, e.g. {}", dir, unused.size(), unused.first());
        } finally {
            readers.values().forEach(SafeTensors.Reader::close);
        }
    }

    /** Loads parameters stored under {@code prefix + HF name} in one safetensors file. */
    public static void loadWeights(Qwen3Weights w, SafeTensors.Reader r, String prefix) throws IOException {
        for (Param p : w.store.params()) {
            String name = prefix + p.name;
            if (!r.has(name)) throw new IOException(r.file() + ": tensor " + name + " " + p.shapeString() + " is missing");
            r.readFloats(name, p.v, p.shape);
        }
    }

    /** Writes config.json and model.safetensors (float32) into dir, each atomically. */
    public static void save(Qwen3Model model, Path dir, Map<String, String> metadata) throws IOException {
        Files.createDirectories(dir);
        model.config.write(dir.resolve("config.json"));
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        for (Param p : model.params().params()) tensors.put(p.name, new SafeTensors.Entry(p.shape, p.v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        if (metadata != null) meta.putAll(metadata);
        SafeTensors.writeF32(dir.resolve(WEIGHTS), tensors, meta);
    }
}
