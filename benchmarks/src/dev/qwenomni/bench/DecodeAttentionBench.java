package dev.qwenomni.bench;

import dev.qwenomni.model.DecodeAttention;
import dev.qwenomni.model.KvCache;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Decoder;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Tensors;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Decode-time attention variants (one query row against a KV cache of contextLen positions) and
 * the whole batch-1 decode step they sit in, at the default TTS model's shapes (hidden 256,
 * 4 layers, 4 query heads over 2 kv heads, head_dim 64, vocabulary 7488).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class DecodeAttentionBench {
    @Param({"SCAN", "GEMM"})
    public String kind;
    @Param({"128", "512", "1000"})
    public int contextLen;

    Qwen3Decoder decoder;
    DecodeAttention attention;
    DecodeAttention.Rows q, out;
    int[] slot = {0}, token = {5};
    boolean[] want = {true};

    @Setup
    public void setup() {
        Qwen3Config c = Qwen3Config.qwen3(7488, 256, 768, 4, 4, 2, 64, 10000, 1024, true);
        Qwen3Model m = new Qwen3Model(c, AttentionKind.MATERIALIZED);
        m.weights.initialize(1);
        DecodeAttention.Kind k = DecodeAttention.Kind.parse(kind);
        decoder = new Qwen3Decoder(m, 1, 1024, k);
        Random r = new Random(1);
        int[] prompt = new int[contextLen];
        for (int i = 0; i < contextLen; i++) prompt[i] = r.nextInt(7488);
        decoder.prefill(0, prompt);
        attention = k.create(c, 1024);
        q = DecodeAttention.Rows.of(AttentionBench.rand(4 * 64, r));
        out = DecodeAttention.Rows.of(Tensors.zeros(4 * 64));
    }

    /** The attention kernel alone, layer 0, over contextLen cached positions. */
    @Benchmark
    public DecodeAttention.Rows attend() {
        attention.attend(q, 0, decoder.cache, 0, 0, contextLen, out, 0);
        return out;
    }

    /** A whole one-token decode step (all layers, logits) at contextLen, the cache rolled back after. */
    @Benchmark
    public float[][] decodeStep() {
        float[][] logits = decoder.forward(slot, token, want);
        decoder.cache.truncate(0, contextLen);
        return logits;
    }
}
