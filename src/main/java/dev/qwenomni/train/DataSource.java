package dev.qwenomni.train;

/**
 * Where the trainer's batches come from. The training stream has a position that a checkpoint
 * records and a resume seeks back to; evaluation batches are fixed and indexed.
 */
public interface DataSource {
    /** Next training batch: ids and targets of B*T tokens each (-100 = no loss). */
    void nextTrain(int B, int T, int[] ids, int[] targets);

    /** Evaluation batch i of a fixed held-out set. */
    void evalBatch(int i, int B, int T, int[] ids, int[] targets);

    long epoch();

    int index();

    void seek(long epoch, int index);
}
