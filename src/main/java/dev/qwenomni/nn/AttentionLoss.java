package dev.qwenomni.nn;

import java.lang.foreign.MemorySegment;

/**
 * An auxiliary loss on attention probabilities, such as the TTS model's attention guide
 * (tts.AttentionGuide). The materialised kernel, which keeps P, hands it each scored head's
 * [T, T] block in the forward and asks for its gradient in the backward; the model averages the
 * penalty over the scored layers, heads and rows and adds weight() times it to the loss.
 */
public interface AttentionLoss {
    /** The first heads() query heads of each scored layer are scored. */
    int heads();

    /** The rows (query positions) of the batch that are scored. */
    int rows();

    /** The penalty's weight in the objective. */
    float weight();

    /** The sum over the scored rows of batch row b of the penalty on P (one head, [T, T], row-major). */
    double penalty(MemorySegment probs, int b, int T);

    /** Adds coef * d(penalty)/dP for the scored rows of batch row b into dProbs. */
    void addGradient(MemorySegment dProbs, int b, int T, float coef);
}
