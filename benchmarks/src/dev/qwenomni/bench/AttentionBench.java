package dev.qwenomni.bench;

import dev.qwenomni.nn.Attention;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Arena;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Attention kernel variants, forward and backward, at training shapes: one sequence, 4 query
 * heads over 2 kv heads, head_dim 64. Add a variant to AttentionKind and it is measured here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class AttentionBench {
    @Param({"MATERIALIZED", "FLASH", "BLOCK_CAUSAL"})
    public String kind;
    @Param({"256", "512", "1024"})
    public int seqLen;
    @Param({"64"})
    public int headDim;

    Attention att;
    INDArray q, k, v, out, dOut, dq, dk, dv;

    @Setup
    public void setup() {
        Attention.Shape s = new Attention.Shape(1, seqLen, 4, 2, headDim);
        att = AttentionKind.parse(kind).create(s, new Arena());
        long nq = 4L * seqLen * headDim, nk = 2L * seqLen * headDim;
        Random r = new Random(1);
        q = rand(nq, r); k = rand(nk, r); v = rand(nk, r); dOut = rand(nq, r);
        out = Tensors.zeros(nq); dq = Tensors.zeros(nq); dk = Tensors.zeros(nk); dv = Tensors.zeros(nk);
        att.forward(q, k, v, out);
    }

    static INDArray rand(long n, Random r) {
        INDArray a = Tensors.zeros(n);
        MemorySegment s = Tensors.seg(a);
        for (long i = 0; i < n; i++) Kernels.set(s, i, (float) r.nextGaussian());
        return a;
    }

    @Benchmark
    public INDArray forward() {
        att.forward(q, k, v, out);
        return out;
    }

    /** Backward only: the forward state it reads was made in setup and is not changed by it. */
    @Benchmark
    public INDArray backward() {
        att.backward(dOut, q, k, v, out, dq, dk, dv);
        return dq;
    }
}
