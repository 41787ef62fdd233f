package dev.qwenomni.lm;

import dev.qwenomni.train.DataSource;
import dev.qwenomni.train.TrainTask;
import dev.qwenomni.data.ByteTokenizer;
import dev.qwenomni.io.HfCheckpoint;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.tensor.ParamStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Next-token language modelling of the Qwen3 decoder on a token data source. */
public final class LmTask implements TrainTask {
    private final Qwen3Model model;
    private final DataSource data;
    private final ByteTokenizer tokenizer;
    private final int B, T, evalBatches;
    private final int[] ids, targets;

    public LmTask(Qwen3Model model, DataSource data, ByteTokenizer tokenizer, int B, int T, int evalBatches) {
        this.model = model;
        this.data = data;
        this.tokenizer = tokenizer;
        this.B = B;
        this.T = T;
        this.evalBatches = evalBatches;
        ids = new int[B * T];
        targets = new int[B * T];
    }

    public Qwen3Model model() { return model; }

    @Override public ParamStore params() { return model.params(); }
    @Override public void initialize(long seed) { model.weights.initialize(seed); }
    @Override public long unitsPerStep() { return (long) B * T; }
    @Override public String unitName() { return "token"; }

    @Override
    public Map<String, Double> step(float gradScale) {
        data.nextTrain(B, T, ids, targets);
        Qwen3Model.Result r = model.forward(ids, targets, B, T, gradScale);
        model.backward();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", r.loss());
        m.put("accuracy", (double) r.correct() / Math.max(1, r.count()));
        return m;
    }

    @Override
    public Map<String, Double> evaluate() {
        double loss = 0;
        long correct = 0, count = 0;
        for (int i = 0; i < evalBatches; i++) {
            data.evalBatch(i, B, T, ids, targets);
            Qwen3Model.Result r = model.forward(ids, targets, B, T, 1f);
            loss += r.loss() * r.count();
            correct += r.correct();
            count += r.count();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val_loss", loss / count);
        m.put("val_accuracy", (double) correct / count);
        m.put("val_perplexity", Math.exp(loss / count));
        return m;
    }

    @Override
    public void saveModel(Path dir) throws IOException {
        HfCheckpoint.save(model, dir, null);
        tokenizer.writeHf(dir, model.config.maxPositions());
    }

    @Override
    public void loadModel(Path dir) throws IOException { HfCheckpoint.loadMatching(model, dir); }

    @Override public long dataEpoch() { return data.epoch(); }
    @Override public int dataIndex() { return data.index(); }
    @Override public void seek(long epoch, int index) { data.seek(epoch, index); }
}
