package dev.qwenomni.cli;

import dev.qwenomni.io.HfCheckpoint;
import dev.qwenomni.io.SafeTensors;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.Tensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Parity tool: logits of an HF checkpoint for given token ids. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Load an HF checkpoint directory (Qwen3, Qwen2 or Llama) and print or save the logits for token ids.")
public final class LogitsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = {"-m", "--model"}, required = true, description = "checkpoint directory (config.json + model.safetensors)")
    Path model;
    @Option(names = "--ids", required = true, split = ",", description = "comma-separated token ids")
    int[] ids;
    @Option(names = "--top", defaultValue = "5", description = "print the top-k logits per position (default ${DEFAULT-VALUE})")
    int top;
    @Option(names = "--save", description = "write all logits [T, vocab] as float32 safetensors (tensor 'logits')")
    Path save;
    @Option(names = "--attention", defaultValue = "materialized", description = "attention kernel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})") AttentionKind attention;

    @Override
    public Integer call() throws Exception {
        Qwen3Model m = HfCheckpoint.load(model, attention);
        int T = ids.length, V = m.config.vocabSize();
        m.forward(ids, null, 1, T, 1f);
        MemorySegment logits = Tensors.seg(m.logits());
        for (int t = 0; t < T; t++) {
            Integer[] order = new Integer[V];
            for (int j = 0; j < V; j++) order[j] = j;
            final long row = (long) t * V;
            Arrays.sort(order, (a, b) -> Float.compare(Kernels.get(logits, row + b), Kernels.get(logits, row + a)));
            StringBuilder sb = new StringBuilder("pos " + t + " id " + ids[t] + ":");
            for (int k = 0; k < Math.min(top, V); k++)
                sb.append(String.format(" %d:%.4f", order[k], Kernels.get(logits, row + order[k])));
            spec.commandLine().getOut().println(sb);
        }
        if (save != null) {
            Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
            t.put("logits", new SafeTensors.Entry(new long[]{T, V}, logits));
            SafeTensors.writeF32(save, t, Map.of("ids", Arrays.toString(ids), "model", model.toString()));
            spec.commandLine().getOut().println("saved " + save);
        }
        return 0;
    }
}
