package dev.qwenomni.data;


/**
 * Next-token batches from one token array: the array is cut into non-overlapping windows of
 * T + 1 tokens; each epoch visits them in an order shuffled by (seed, epoch). The position
 * (epoch, index) is all the state there is, so a resumed run sees exactly the same batches.
 */
public final class TokenBatcher {
    private final int[] tokens;
    private final int T;
    private final long seed;
    private final int windows;
    private int[] order;
    private long epoch;
    private int index;

    public TokenBatcher(int[] tokens, int T, long seed) {
        this.tokens = tokens;
        this.T = T;
        this.seed = seed;
        this.windows = (tokens.length - 1) / T;
        if (windows < 1) throw new IllegalArgumentException("corpus of " + tokens.length + " tokens is shorter than one sequence of " + (T + 1));
        shuffle();
    }

    public int windows() { return windows; }
    public long epoch() { return epoch; }
    public int index() { return index; }

    public void seek(long epoch, int index) {
        if (index < 0 || index > windows) throw new IllegalArgumentException("data position " + index + " outside 0.." + windows);
        this.epoch = epoch;
        this.index = index;
        shuffle();
    }

    private void shuffle() { order = Shuffle.permutation(windows, seed * 0x9E3779B97F4A7C15L + epoch); }

    /** Fills ids and targets ([B*T] each) with the next B windows. */
    public void next(int B, int[] ids, int[] targets) {
        for (int b = 0; b < B; b++) {
            if (index == windows) { epoch++; index = 0; shuffle(); }
            fill(order[index++], b, ids, targets);
        }
    }

    /** The w-th window in file order (for evaluation, which must not depend on shuffling). */
    public void window(int w, int b, int[] ids, int[] targets) { fill(w % windows, b, ids, targets); }

    private void fill(int w, int b, int[] ids, int[] targets) {
        int start = w * T;
        System.arraycopy(tokens, start, ids, b * T, T);
        System.arraycopy(tokens, start + 1, targets, b * T, T);
    }
}
