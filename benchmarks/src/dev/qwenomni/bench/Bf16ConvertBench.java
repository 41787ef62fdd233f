package dev.qwenomni.bench;

import dev.qwenomni.tensor.Bf16;
import dev.qwenomni.tensor.Tensors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * The bf16 kernels' own passes over memory (tensor.Bf16), at an activation's size (4096 x 1536):
 * rounding float32 operands to bf16, and c = alpha * p + beta * c from a bf16 product. Each is
 * bandwidth-bound: compare bytes moved per second with the machine's memory bandwidth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class Bf16ConvertBench {
    INDArray f32 = Nd4j.rand(DataType.FLOAT, 4096, 1536), acc = Nd4j.rand(DataType.FLOAT, 4096, 1536);
    INDArray b16 = Nd4j.create(DataType.BFLOAT16, 4096, 1536);

    /** Reads 4 bytes and writes 2 per value. */
    @Benchmark
    public INDArray roundToBf16() {
        Bf16.fromFloats(Tensors.seg(f32), Tensors.segBf16(b16), f32.length());
        return b16;
    }

    /** Reads 2 + 4 bytes and writes 4 per value (beta 1: a gradient accumulating). */
    @Benchmark
    public INDArray accumulateBf16Product() {
        Bf16.axpbyInto(Tensors.segBf16(b16), Tensors.seg(acc), acc.length(), 1f, 1f);
        return acc;
    }
}
