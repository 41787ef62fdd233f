package dev.qwenomni.cli;

import dev.qwenomni.data.ByteTokenizer;
import dev.qwenomni.data.TextCorpus;
import dev.qwenomni.data.TokenBatcher;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Autocast;
import dev.qwenomni.tensor.GemmPeak;
import dev.qwenomni.tensor.Precision;
import dev.qwenomni.train.AdamW;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** Whole-step throughput: train-step tokens/s and GFLOP/s against the measured gemm peak. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the gemm peak, then training-step throughput (tokens/s, GFLOP/s, fraction of peak).")
public final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--batch", defaultValue = "8") int batch;
    @Option(names = "--seq-len", defaultValue = "256") int seqLen;
    @Option(names = "--steps", defaultValue = "10", description = "timed steps") int steps;
    @Option(names = "--warmup", defaultValue = "8", description = "untimed steps first (JIT warm-up)") int warmup;
    @Option(names = "--attention", defaultValue = "flash", split = ",", description = "kernel(s) to compare, e.g. flash,materialized")
    AttentionKind[] attention;
    @Option(names = "--corpus", defaultValue = DataPaths.CORPUS) Path corpus;
    @Option(names = "--precision", defaultValue = "auto", description = "matrix products: fp32, bf16 or auto (default ${DEFAULT-VALUE})")
    String precision;
    @Mixin ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        Precision p = Precision.parse(precision);
        spec.commandLine().getOut().println(p.describe());
        double peak = GemmPeak.gflops(p.newGemm(), 1024);
        spec.commandLine().getOut().printf("gemm peak (1024^3 %s, preallocated, %s threads): %.1f GFLOP/s%n", p.label(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "?"), peak);
        ByteTokenizer tok = new ByteTokenizer();
        Qwen3Config cfg = modelOptions.shape().config(dev.qwenomni.model.ModelShape.roundUp(tok.vocabSize(), 8), ByteTokenizer.EOT);
        TokenBatcher data = new TokenBatcher(TextCorpus.load(corpus, tok, 2, DataPaths.inHome("data/cache")).train, seqLen, 1);
        int N = batch * seqLen;
        int[] ids = new int[N], tg = new int[N];
        for (AttentionKind a : attention) {
            Qwen3Model m = new Qwen3Model(cfg, a);
            m.weights.initialize(1);
            AdamW adam = new AdamW(0.9f, 0.95f, 1e-8f, 0.1f);
            double[] t = new double[steps];
            for (int s = -warmup; s < steps; s++) {
                data.next(batch, ids, tg);
                long t0 = System.nanoTime();
                m.params().zeroGrads();
                try (var scope = Autocast.enter(p)) {
                    m.forward(ids, tg, batch, seqLen, 1f);
                    m.backward();
                }
                adam.step(m.params(), 1e-4f, s + warmup + 1, 1f);
                if (s >= 0) t[s] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(t);
            double med = t[steps / 2];
            double flops = m.trainFlopsPerToken(seqLen) * N;
            spec.commandLine().getOut().printf("train step %-12s params %d, B=%d T=%d: median %.1f ms (min %.1f, max %.1f), %.0f tokens/s, %.1f GFLOP/s = %.0f%% of gemm peak%n",
                    a, m.params().count(), batch, seqLen, med * 1e3, t[0] * 1e3, t[steps - 1] * 1e3, N / med, flops / med / 1e9,
                    100 * flops / med / 1e9 / peak);
        }
        return 0;
    }
}
