package dev.qwenomni.bench;

import dev.qwenomni.tensor.Bf16EmulatedGemm;
import dev.qwenomni.tensor.Bf16OneDnnGemm;
import dev.qwenomni.tensor.Fp32Gemm;
import dev.qwenomni.tensor.Gemm;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * The gemm variants (tensor.Gemm) at the real-size LM's shapes, M x K x N as op(a) [M, K] op(b) [K, N]:
 * 4096 tokens through the MLP (512 -> 1536 and back), the LM head (vocabulary 7488), and a weight
 * gradient (K = 4096 tokens, a transposed operand). Layout NT is the forward's x W^T, TN the weight
 * gradient's dy^T x. The ND4J build is chosen per run (OMNI_ND4J_EXTENSION="" for the generic one).
 * GFLOP/s = 2 M K N / time. bf16-onednn throws in setup where the CPU or build lacks it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class GemmBench {
    @Param({"fp32", "bf16-onednn", "bf16-emulated"})
    public String kernel;
    @Param({"4096x512x1536:NT", "4096x1536x512:NT", "4096x512x7488:NT", "1536x4096x512:TN", "1024x1024x1024:NN"})
    public String shape;

    Gemm g;
    INDArray a, b, c;
    boolean ta, tb;

    @Setup
    public void setup() {
        g = switch (kernel) {
            case "fp32" -> Fp32Gemm.INSTANCE;
            case "bf16-emulated" -> new Bf16EmulatedGemm();
            case "bf16-onednn" -> {
                if (!Bf16OneDnnGemm.available())
                    throw new IllegalStateException("bf16-onednn needs AVX512_BF16 or AMX and ND4J's oneDNN build; not here");
                yield new Bf16OneDnnGemm();
            }
            default -> throw new IllegalArgumentException(kernel);
        };
        String[] p = shape.split(":");
        String[] d = p[0].split("x");
        int M = Integer.parseInt(d[0]), K = Integer.parseInt(d[1]), N = Integer.parseInt(d[2]);
        ta = p[1].charAt(0) == 'T';
        tb = p[1].charAt(1) == 'T';
        a = ta ? Nd4j.rand(DataType.FLOAT, K, M) : Nd4j.rand(DataType.FLOAT, M, K);
        b = tb ? Nd4j.rand(DataType.FLOAT, N, K) : Nd4j.rand(DataType.FLOAT, K, N);
        c = Tensors.zeros(M, N);
    }

    @Benchmark
    public INDArray gemm() {
        g.gemm(a, b, c, ta, tb, 1.0, 0.0);
        return c;
    }
}
