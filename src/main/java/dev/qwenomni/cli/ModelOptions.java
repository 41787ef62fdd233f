package dev.qwenomni.cli;

import dev.qwenomni.model.Qwen3Config;
import picocli.CommandLine.Option;

/** Model-size options shared by the commands that build a fresh model. */
public final class ModelOptions {
    @Option(names = "--layers", defaultValue = "4", description = "decoder layers (default ${DEFAULT-VALUE})")
    int layers;
    @Option(names = "--hidden", defaultValue = "256", description = "hidden size (default ${DEFAULT-VALUE})")
    int hidden;
    @Option(names = "--heads", defaultValue = "4", description = "attention heads (default ${DEFAULT-VALUE})")
    int heads;
    @Option(names = "--kv-heads", defaultValue = "2", description = "key/value heads (default ${DEFAULT-VALUE})")
    int kvHeads;
    @Option(names = "--head-dim", defaultValue = "64", description = "head dimension (default ${DEFAULT-VALUE})")
    int headDim;
    @Option(names = "--intermediate", defaultValue = "768", description = "MLP size (default ${DEFAULT-VALUE})")
    int intermediate;
    @Option(names = "--rope-theta", defaultValue = "10000", description = "RoPE base (default ${DEFAULT-VALUE})")
    double ropeTheta;
    @Option(names = "--max-positions", defaultValue = "1024", description = "max_position_embeddings (default ${DEFAULT-VALUE})")
    int maxPositions;

    Qwen3Config config(int vocab, int eos) {
        return new Qwen3Config("qwen3", vocab, hidden, intermediate, layers, heads, kvHeads, headDim, ropeTheta, 1e-6,
                true, false, false, true, maxPositions, -1, eos);
    }
}
