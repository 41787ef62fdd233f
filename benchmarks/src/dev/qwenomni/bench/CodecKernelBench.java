package dev.qwenomni.bench;

import dev.qwenomni.codec.NoiseSource;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.codec.SnacConfig;
import dev.qwenomni.nn.Conv1d;
import dev.qwenomni.nn.ConvKernel;
import dev.qwenomni.nn.ConvTranspose1d;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The codec decoder's kernels at the real SNAC 24 kHz shapes for one second of audio (47 latent
 * frames), per variant, and the whole decoder. Add a ConvKernel variant and it is measured here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class CodecKernelBench {
    @Param({"DIRECT", "GEMM"})
    public String kernel;

    ConvKernel k;
    // decoder.model.1: 1x1 conv 768 -> 1024 over 47 frames
    Conv1d stem = new Conv1d(768, 1024, 1, 1, 0, 1, 1);
    float[] stemX, stemW;
    // first DecoderBlock's conv-transpose 1024 -> 512, k 16, stride 8
    ConvTranspose1d up = new ConvTranspose1d(1024, 512, 16, 8, 4, 0);
    float[] upX, upW;
    // a residual unit's 1x1 conv at the second block: 256 channels over 3008 samples
    Conv1d pointwise = new Conv1d(256, 256, 1, 1, 0, 1, 1);
    float[] pwX, pwW;
    // depthwise k7 dilation 9 at 128 channels, 12032 samples (grouped: direct loops in every variant)
    Conv1d depthwise = new Conv1d(128, 128, 7, 1, 27, 9, 128);
    float[] dwX, dwW;
    SnacCodec codec;
    int[][] codes;

    static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @Setup
    public void setup() {
        k = ConvKernel.parse(kernel);
        Random r = new Random(1);
        stemX = rand(r, 768 * 47); stemW = rand(r, 1024 * 768);
        upX = rand(r, 1024 * 47); upW = rand(r, 1024 * 512 * 16);
        pwX = rand(r, 256 * 3008); pwW = rand(r, 256 * 256);
        dwX = rand(r, 128 * 12032); dwW = rand(r, 128 * 7);
        codec = new SnacCodec(SnacConfig.SNAC_24KHZ);
        codec.initialize(1);
        codec.useConvKernel(k);
        codes = new int[][]{new int[12], new int[24], new int[48]};
        for (int[] l : codes) for (int i = 0; i < l.length; i++) l[i] = r.nextInt(4096);
    }

    @Benchmark public float[] stemConv1x1() { return stem.forward(stemX, 47, stemW, null, k); }
    @Benchmark public float[] convTranspose() { return up.forward(upX, 47, upW, null, k); }
    @Benchmark public float[] pointwiseConv() { return pointwise.forward(pwX, 3008, pwW, null, k); }
    @Benchmark public float[] depthwiseConv() { return depthwise.forward(dwX, 12032, dwW, null, k); }

    /** The whole decoder on 48 latent frames = 1.024 s of audio: ms/op / 1024 is the real-time factor. */
    @Benchmark
    public float[] wholeDecoder() {
        return codec.decode(codes, NoiseSource.seeded(1));
    }
}
