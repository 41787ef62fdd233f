package dev.qwenomni.bench;

import dev.qwenomni.data.ByteTokenizer;
import dev.qwenomni.data.TextCorpus;
import dev.qwenomni.data.TokenBatcher;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.train.AdamW;
import org.openjdk.jmh.annotations.*;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One full training step (zero grads, forward, backward, AdamW) of the default text config
 * (4 layers, hidden 256, 4/2 heads of 64, MLP 768, byte vocab) at B=8, T=256 = 2048 tokens on
 * real corpus batches. tokens/s = 2048 / (ms/op / 1000); `omni bench` prints it with GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class TrainStepBench {
    @Param({"MATERIALIZED", "FLASH", "BLOCK_CAUSAL"})
    public String kind;

    static final int B = 8, T = 256;
    Qwen3Model model;
    AdamW adam;
    TokenBatcher data;
    int[] ids = new int[B * T], targets = new int[B * T];
    int step;

    @Setup
    public void setup() throws Exception {
        ByteTokenizer tok = new ByteTokenizer();
        Qwen3Config cfg = new Qwen3Config("qwen3", 264, 256, 768, 4, 4, 2, 64, 10000, 1e-6, true, false, false, true,
                1024, -1, ByteTokenizer.EOT);
        model = new Qwen3Model(cfg, AttentionKind.parse(kind));
        model.weights.initialize(1);
        adam = new AdamW(0.9f, 0.95f, 1e-8f, 0.1f);
        data = new TokenBatcher(TextCorpus.load(Path.of("data/corpus/kjv.txt.gz"), tok, 2, null).train, T, 1);
    }

    @Benchmark
    public double trainStep() {
        data.next(B, ids, targets);
        model.params().zeroGrads();
        Qwen3Model.Result r = model.forward(ids, targets, B, T, 1f);
        model.backward();
        adam.step(model.params(), 1e-4f, ++step, 1f);
        return r.loss();
    }
}
