package dev.qwenomni.io;

import dev.qwenomni.sys.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Copies a model folder (config.json, model.safetensors and any other JSON beside them) with the
 * weights stored in another float type, to ship a checkpoint at half the size. The loaders widen
 * BF16 and F16 back to float32, so the copy serves every command that reads the original. Files
 * that are not JSON (a trainer's optimizer state) are left behind: the copy is for inference and
 * for starting new runs, not for resuming one.
 */
public final class HalfPrecisionCopy {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HalfPrecisionCopy() {}

    /** What a copy did: the tensors written and the files left behind. */
    public record Result(int tensors, long bytesIn, long bytesOut, List<String> leftBehind) {}

    public static Result copy(Path in, Path out, SafeTensors.DType dtype) throws IOException {
        Path weights = in.resolve(HfCheckpoint.WEIGHTS);
        if (!Files.isRegularFile(weights)) throw new IOException(in + ": no " + HfCheckpoint.WEIGHTS + " to convert");
        if (Files.exists(out) && Files.isSameFile(in, out))
            throw new IOException(out + ": the copy must go to another folder than " + in);
        Files.createDirectories(out);
        int count;
        try (SafeTensors.Reader r = SafeTensors.open(weights)) {
            Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
            for (SafeTensors.Info i : r.tensors().values()) {
                if (i.dtype() == SafeTensors.DType.I64 || i.dtype() == SafeTensors.DType.I32)
                    throw new IOException(weights + ": tensor " + i.name() + " is " + i.dtype() + ", not a float tensor; only model weights convert");
                tensors.put(i.name(), new SafeTensors.Entry(i.shape(), MemorySegment.ofArray(r.floats(i.name()))));
            }
            SafeTensors.write(out.resolve(HfCheckpoint.WEIGHTS), tensors, r.metadata(), dtype);
            count = tensors.size();
        }
        List<String> left = new ArrayList<>();
        try (Stream<Path> files = Files.list(in)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.equals(HfCheckpoint.WEIGHTS)) continue;
                if (!Files.isRegularFile(f) || !name.endsWith(".json")) { left.add(name); continue; }
                byte[] bytes = Files.readAllBytes(f);
                if (name.equals("config.json")) bytes = withTorchDtype(f, bytes, dtype);
                AtomicFiles.write(out.resolve(name), bytes);
            }
        }
        return new Result(count, Files.size(weights), Files.size(out.resolve(HfCheckpoint.WEIGHTS)), left);
    }

    /** An HF config names its weights' dtype; keep it true of the copy. Configs without the field stay as they are. */
    private static byte[] withTorchDtype(Path file, byte[] bytes, SafeTensors.DType dtype) throws IOException {
        ObjectNode n;
        try {
            n = (ObjectNode) JSON.readTree(bytes);
        } catch (IOException | ClassCastException e) {
            throw new IOException(file + ": not a JSON object: " + e.getMessage());
        }
        if (!n.has("torch_dtype")) return bytes;
        n.put("torch_dtype", switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            case F32 -> "float32";
            default -> throw new IllegalArgumentException("cannot store weights as " + dtype);
        });
        return JSON.writeValueAsBytes(n);
    }
}
