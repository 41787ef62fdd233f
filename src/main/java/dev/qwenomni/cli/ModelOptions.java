package dev.qwenomni.cli;

import dev.qwenomni.model.ModelShape;
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

    ModelShape shape() {
        return new ModelShape(layers, hidden, heads, kvHeads, headDim, intermediate, ropeTheta, maxPositions);
    }
}
