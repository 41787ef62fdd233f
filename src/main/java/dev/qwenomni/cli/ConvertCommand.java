package dev.qwenomni.cli;

import dev.qwenomni.io.HalfPrecisionCopy;
import dev.qwenomni.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Copy a model folder with its weights in half precision: the size to ship, the loaders widen them back. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Copy a model folder (TTS model or codec) with its weights stored as bf16, f16 or f32.",
                "A converted codec's codebooks are rounded, so its codes are new ones: TTS models trained on the original refuse it."})
public final class ConvertCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", description = "model folder: config.json + model.safetensors (+ tts.json)") Path in;
    @Parameters(index = "1", description = "folder to write the copy into") Path out;
    @Option(names = "--dtype", defaultValue = "bf16", description = "bf16 (default), f16 or f32") String dtype;

    @Override
    public Integer call() throws Exception {
        SafeTensors.DType t = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "bf16" -> SafeTensors.DType.BF16;
            case "f16" -> SafeTensors.DType.F16;
            case "f32" -> SafeTensors.DType.F32;
            default -> throw new IllegalArgumentException("--dtype must be bf16, f16 or f32, not '" + dtype + "'");
        };
        HalfPrecisionCopy.Result r = HalfPrecisionCopy.copy(in, out, t);
        spec.commandLine().getOut().printf(Locale.ROOT, "%s -> %s: %d tensors as %s, %.1f MB -> %.1f MB%n", in, out, r.tensors(), t,
                r.bytesIn() / 1e6, r.bytesOut() / 1e6);
        if (!r.leftBehind().isEmpty())
            spec.commandLine().getOut().println("left behind (not model files): " + String.join(", ", r.leftBehind()));
        return 0;
    }
}
