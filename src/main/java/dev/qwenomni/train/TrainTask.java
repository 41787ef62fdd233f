package dev.qwenomni.train;

import dev.qwenomni.tensor.ParamStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the trainer trains: a model with its flat parameter store, a data stream with a position,
 * one micro-batch step (forward + backward) and an evaluation. The language model and the codec
 * are two tasks under one training loop.
 */
public interface TrainTask {
    ParamStore params();

    /** Fresh weights for a run that starts from scratch. */
    void initialize(long seed);

    /**
     * One micro-batch: forward and backward, gradients scaled by gradScale (1/k over k
     * accumulation steps) added into params().grads(). Returns metrics; "loss" is required.
     */
    Map<String, Double> step(float gradScale);

    /** Units (tokens, samples) a micro-batch consumes, for the throughput line. */
    long unitsPerStep();

    String unitName();

    /** What the loss measures, for the plot's axis: cross-entropy unless the task says otherwise. */
    default String lossUnit() { return "nats/token"; }

    /** Held-out metrics; "val_loss" is required. */
    Map<String, Double> evaluate();

    /** Writes the model (an HF directory, or a codec directory) into dir. */
    void saveModel(Path dir) throws IOException;

    /** Reads the weights saved by saveModel, checking the config matches. */
    void loadModel(Path dir) throws IOException;

    long dataEpoch();

    int dataIndex();

    void seek(long epoch, int index);
}
