package dev.qwenomni.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.sys.AtomicFiles;
import dev.qwenomni.io.SafeTensors;
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
 * Training checkpoints: root/step-NNNNNN/ is a complete model directory (for the LM an HF
 * directory with tokenizer files; for the codec SNAC's layout) plus training_state.safetensors (AdamW moments and the
 * step, data position and seed in its metadata). A checkpoint becomes visible only when the
 * root's "latest" file is atomically switched to it, so a crash mid-write leaves the previous
 * one in force.
 */
public final class Checkpoints {
    public static final String STATE = "training_state.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {}

    private static final String PREFIX = "step-";

    /** The step a checkpoint directory (as {@link #save} names it) was taken at. */
    public static int step(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(PREFIX)) throw new IllegalArgumentException(dir + " is not a checkpoint directory (step-NNNNNN)");
        return Integer.parseInt(name.substring(PREFIX.length()));
    }

    public static Path save(Path root, TrainTask task, TrainingState state, TrainConfig cfg, int keep) throws IOException {
        String name = String.format(PREFIX + "%06d", state.step());
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        task.saveModel(dir);
        ParamStore ps = task.params();
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

    /** Loads weights and moments into the task's model (whose config must match) and returns the state. */
    public static TrainingState restore(Path dir, TrainTask task) throws IOException {
        task.loadModel(dir);
        ParamStore ps = task.params();
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
            var old = s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .skip(keep).toList();
            for (Path p : old) {
                if (!p.getFileName().toString().equals(current)) dev.qwenomni.sys.FileTrees.delete(p);
            }
        }
    }
}
