package dev.qwenomni.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.data.ByteTokenizer;
import dev.qwenomni.io.AtomicFiles;
import dev.qwenomni.io.HfCheckpoint;
import dev.qwenomni.io.SafeTensors;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.tensor.Tensors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Training checkpoints: root/step-NNNNNN/ is a complete HF directory (config.json,
 * model.safetensors, tokenizer files) plus training_state.safetensors (AdamW moments and the
 * step, data position and seed in its metadata). A checkpoint becomes visible only when the
 * root's "latest" file is atomically switched to it, so a crash mid-write leaves the previous
 * one in force.
 */
public final class Checkpoints {
    public static final String STATE = "training_state.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {}

    public static Path save(Path root, Qwen3Model model, ByteTokenizer tok, TrainingState state, TrainConfig cfg,
                            int keep) throws IOException {
        String name = String.format("step-%06d", state.step());
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        HfCheckpoint.save(model, dir, Map.of("step", Integer.toString(state.step())));
        tok.writeHf(dir, model.config.maxPositions());
        ParamStore ps = model.params();
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        t.put("optimizer.exp_avg", new SafeTensors.Entry(new long[]{ps.flatLength()}, Tensors.seg(ps.adamM())));
        t.put("optimizer.exp_avg_sq", new SafeTensors.Entry(new long[]{ps.flatLength()}, Tensors.seg(ps.adamV())));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("state", JSON.writeValueAsString(state));
        meta.put("train_config", JSON.writeValueAsString(cfg));
        SafeTensors.writeF32(dir.resolve(STATE), t, meta);
        AtomicFiles.write(root.resolve("latest"), name.getBytes(StandardCharsets.UTF_8));
        prune(root, keep, name);
        return dir;
    }

    /** The directory "latest" points to, if any. */
    public static Optional<Path> latest(Path root) throws IOException {
        Path f = root.resolve("latest");
        if (!Files.isRegularFile(f)) return Optional.empty();
        String name = Files.readString(f, StandardCharsets.UTF_8).trim();
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) throw new IOException(f + " names " + name + ", which does not exist");
        return Optional.of(dir);
    }

    /** Loads weights and moments into model (whose config must match) and returns the state. */
    public static TrainingState restore(Path dir, Qwen3Model model) throws IOException {
        Qwen3Config saved = Qwen3Config.read(dir.resolve("config.json"));
        if (!saved.equals(model.config))
            throw new IOException(dir + "/config.json: the checkpoint's model config " + saved + " differs from the requested " + model.config);
        HfCheckpoint.loadWeights(model.weights, dir);
        ParamStore ps = model.params();
        try (SafeTensors.Reader r = SafeTensors.open(dir.resolve(STATE))) {
            long[] shape = {ps.flatLength()};
            r.readFloats("optimizer.exp_avg", Tensors.seg(ps.adamM()), shape);
            r.readFloats("optimizer.exp_avg_sq", Tensors.seg(ps.adamV()), shape);
            String s = r.metadata().get("state");
            if (s == null) throw new IOException(r.file() + ": no 'state' entry in the metadata");
            return JSON.readValue(s, TrainingState.class);
        }
    }

    private static void prune(Path root, int keep, String current) throws IOException {
        if (keep <= 0) return;
        try (Stream<Path> s = Files.list(root)) {
            var old = s.filter(p -> p.getFileName().toString().startsWith("step-") && Files.isDirectory(p))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .skip(keep).toList();
            for (Path p : old) {
                if (p.getFileName().toString().equals(current)) continue;
                try (Stream<Path> w = Files.walk(p)) {
                    for (Path f : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
                }
            }
        }
    }
}
