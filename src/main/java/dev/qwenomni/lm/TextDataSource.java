package dev.qwenomni.lm;

import dev.qwenomni.train.DataSource;
import dev.qwenomni.data.TextCorpus;
import dev.qwenomni.data.TokenBatcher;

/** Text-only language-model data: shuffled training windows, validation windows in file order. */
public final class TextDataSource implements DataSource {
    private final TokenBatcher train, val;

    public TextDataSource(TextCorpus corpus, int T, long seed) {
        train = new TokenBatcher(corpus.train, T, seed);
        val = new TokenBatcher(corpus.val, T, seed);
    }

    @Override public void nextTrain(int B, int T, int[] ids, int[] targets) { train.next(B, ids, targets); }

    @Override public void evalBatch(int i, int B, int T, int[] ids, int[] targets) {
        // spread evaluation windows over the whole validation text
        int stride = Math.max(1, val.windows() / 64);
        for (int b = 0; b < B; b++) val.window((i * B + b) * stride, b, ids, targets);
    }

    @Override public long epoch() { return train.epoch(); }
    @Override public int index() { return train.index(); }
    @Override public void seek(long epoch, int index) { train.seek(epoch, index); }
}
