package dev.qwenomni.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.SpectralLoss;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.codec.CodecTask;
import dev.qwenomni.codec.NoiseSource;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.codec.SnacConfig;
import dev.qwenomni.model.DecodeAttention;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Decoder;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Autocast;
import dev.qwenomni.tensor.GemmPeak;
import dev.qwenomni.tensor.Precision;
import dev.qwenomni.train.AdamW;
import dev.qwenomni.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * One whole-job workload, timed per iteration, printed as one JSON line: our side of
 * benchmarks/compare (its PyTorch peer is benchmarks/pytorch/peer.py, same shapes and sizes).
 */
@Command(name = "bench-peer", mixinStandardHelpOptions = true,
        description = "Time one workload (lm_train, lm_prefill, lm_decode, codec_decode, codec_train) for benchmarks/compare; prints JSON.")
public final class PeerBenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", description = "lm_train, lm_prefill, lm_decode, codec_decode or codec_train") String workload;
    @Option(names = "--size", defaultValue = "small", description = "small or real") String size;
    @Option(names = "--warmup", defaultValue = "2") int warmup;
    @Option(names = "--iters", defaultValue = "5") int iters;
    @Option(names = "--attention", defaultValue = "block_causal", description = "the LM's attention kernel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    AttentionKind attention;
    @Option(names = "--precision", description = "the train workloads' matrix products: fp32, bf16 or auto (default: "
            + "what the training command defaults to, auto for lm_train, fp32 for codec_train)")
    String precision;

    /** LM shapes: small = the text-training default; real = a 25M-parameter model at the TTS vocabulary. */
    record Lm(int vocab, int hidden, int inter, int layers, int heads, int kv, int headDim, int batch, int seq) {
        Qwen3Config config() { return Qwen3Config.qwen3(vocab, hidden, inter, layers, heads, kv, headDim, 10000, 4096, true); }
    }
    static final Map<String, Lm> LM_SIZES = Map.of(
            "small", new Lm(264, 256, 768, 4, 4, 2, 64, 8, 256),
            "real", new Lm(7488, 512, 1536, 8, 8, 4, 64, 4, 1024));
    static final int DECODE_PROMPT = 16, DECODE_TOKENS = 128, CODEC_FRAMES = 48, TRAIN_BATCH = 4, TRAIN_SEGMENT = 12288;

    interface Workload { double run() throws Exception; }

    @Override
    public Integer call() throws Exception {
        if (!size.equals("small") && !size.equals("real")) throw new IllegalArgumentException("--size must be small or real, got " + size);
        String unit;
        Workload w;
        switch (workload) {
            case "lm_train" -> { unit = "tokens/s"; w = lmTrain(LM_SIZES.get(size)); }
            case "lm_prefill" -> { unit = "tokens/s"; w = lmPrefill(LM_SIZES.get(size)); }
            case "lm_decode" -> { unit = "tokens/s"; w = lmDecode(LM_SIZES.get(size)); }
            case "codec_decode" -> { unit = "RTF"; w = codecDecode(size.equals("small") ? dev.qwenomni.codec.CodecTraining.DEFAULT_CONFIG : SnacConfig.SNAC_24KHZ); }
            case "codec_train" -> { unit = "audio s/s"; w = codecTrain(size.equals("small") ? dev.qwenomni.codec.CodecTraining.DEFAULT_CONFIG : SnacConfig.SNAC_24KHZ); }
            default -> throw new IllegalArgumentException("unknown workload '" + workload + "'");
        }
        // like torch.autocast in the peer: only the training workloads run their products in bf16
        String asTrained = (workload.equals("codec_train") ? dev.qwenomni.codec.CodecTraining.DEFAULT_TRAIN : TrainConfig.defaults()).precision();
        Precision p = workload.endsWith("_train") ? Precision.parse(precision != null ? precision : asTrained) : Precision.FP32;
        List<Double> values = new ArrayList<>();
        try (var scope = Autocast.enter(p)) {
            for (int i = 0; i < warmup; i++) w.run();
            for (int i = 0; i < iters; i++) values.add(w.run());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workload", workload);
        out.put("size", size);
        out.put("unit", unit);
        out.put("values", values);
        out.put("framework", "qwen-omni (JDK " + Runtime.version().feature() + ", ND4J 1.0.0-M2.1)");
        out.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "?"));
        out.put("precision", p.label());
        out.put("nd4j_build", "linux-x86_64" + System.getProperty("org.bytedeco.javacpp.platform.extension", ""));
        if (workload.equals("lm_train")) {
            Lm s = LM_SIZES.get(size);
            out.put("flops_per_token", new Qwen3Model(s.config(), AttentionKind.FLASH).trainFlopsPerToken(s.seq()));
            out.put("gemm_peak_gflops", GemmPeak.gflops(p.newGemm(), 1024));
        }
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(out));
        return 0;
    }

    static int[] randomIds(int n, int vocab, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(vocab);
        return ids;
    }

    Workload lmTrain(Lm s) {
        Qwen3Model m = new Qwen3Model(s.config(), attention);
        m.weights.initialize(1);
        AdamW adam = new AdamW(0.9f, 0.95f, 1e-8f, 0.1f);
        int N = s.batch() * s.seq();
        int[] all = randomIds(N + s.batch(), s.vocab(), 1), ids = new int[N], tg = new int[N];
        for (int b = 0; b < s.batch(); b++)
            for (int t = 0; t < s.seq(); t++) { ids[b * s.seq() + t] = all[b * (s.seq() + 1) + t]; tg[b * s.seq() + t] = all[b * (s.seq() + 1) + t + 1]; }
        int[] step = {0};
        return () -> {
            long t0 = System.nanoTime();
            m.params().zeroGrads();
            m.forward(ids, tg, s.batch(), s.seq(), 1f);
            m.backward();
            adam.step(m.params(), 1e-4f, ++step[0], 1f);
            return N / ((System.nanoTime() - t0) / 1e9);
        };
    }

    static Workload lmPrefill(Lm s) {
        Qwen3Model m = new Qwen3Model(s.config(), AttentionKind.FLASH);
        m.weights.initialize(1);
        Qwen3Decoder d = new Qwen3Decoder(m, 1, s.seq(), DecodeAttention.Kind.SCAN);
        int[] ids = randomIds(s.seq(), s.vocab(), 1);
        return () -> {
            d.cache.reset(0);
            long t0 = System.nanoTime();
            d.prefill(0, ids);
            return s.seq() / ((System.nanoTime() - t0) / 1e9);
        };
    }

    static Workload lmDecode(Lm s) {
        Qwen3Model m = new Qwen3Model(s.config(), AttentionKind.FLASH);
        m.weights.initialize(1);
        Qwen3Decoder d = new Qwen3Decoder(m, 1, DECODE_PROMPT + DECODE_TOKENS, DecodeAttention.Kind.SCAN);
        int[] prompt = randomIds(DECODE_PROMPT, s.vocab(), 1), slot = {0};
        boolean[] want = {true};
        return () -> {
            d.cache.reset(0);
            float[] logits = d.prefill(0, prompt); // not timed, as in the peer
            long t0 = System.nanoTime();
            for (int j = 0; j < DECODE_TOKENS; j++) logits = d.forward(slot, new int[]{argmax(logits)}, want)[0];
            return DECODE_TOKENS / ((System.nanoTime() - t0) / 1e9);
        };
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    static Workload codecDecode(SnacConfig cfg) {
        SnacCodec c = new SnacCodec(cfg);
        c.initialize(1);
        int[] strides = cfg.vqStrides();
        int[][] codes = new int[strides.length][];
        Random r = new Random(1);
        for (int i = 0; i < strides.length; i++) {
            codes[i] = new int[CODEC_FRAMES / strides[i]];
            for (int j = 0; j < codes[i].length; j++) codes[i][j] = r.nextInt(cfg.codebookSize());
        }
        float[] z = c.quantizedLatent(codes);
        double seconds = (double) CODEC_FRAMES * cfg.hopLength() / cfg.samplingRate();
        return () -> {
            long t0 = System.nanoTime();
            c.decodeLatent(z, CODEC_FRAMES, 0, NoiseSource.seeded(1));
            return (System.nanoTime() - t0) / 1e9 / seconds;
        };
    }

    static Workload codecTrain(SnacConfig cfg) throws Exception {
        SnacCodec c = new SnacCodec(cfg);
        c.initialize(1);
        NoiseSource noise = NoiseSource.seeded(1);
        Wav.Audio a = Wav.read(DataPaths.inHome("src/test/resources/speech/birch_flite_rms_16k.wav"));
        float[] clip = Resampler.resample(a.samples(), a.sampleRate(), cfg.samplingRate());
        float[][] segs = new float[TRAIN_BATCH][TRAIN_SEGMENT];
        for (int b = 0; b < TRAIN_BATCH; b++) for (int i = 0; i < TRAIN_SEGMENT; i++) segs[b][i] = clip[(b * TRAIN_SEGMENT + i) % clip.length];
        SpectralLoss loss = new SpectralLoss(cfg.samplingRate());
        AdamW adam = new AdamW(0.8f, 0.99f, 1e-8f, 0.01f);
        int[] step = {0};
        return () -> {
            long t0 = System.nanoTime();
            c.params.zeroGrads();
            for (float[] x : segs) {
                float[] y = c.trainForward(x, noise), dy = new float[y.length];
                loss.compute(y, x, dy, CodecTask.MEL / TRAIN_BATCH, CodecTask.STFT / TRAIN_BATCH);
                c.trainBackward(dy, CodecTask.COMMIT / TRAIN_BATCH, CodecTask.CODEBOOK / TRAIN_BATCH);
            }
            adam.step(c.params, 1e-4f, ++step[0], 1f);
            return TRAIN_BATCH * TRAIN_SEGMENT / (double) cfg.samplingRate() / ((System.nanoTime() - t0) / 1e9);
        };
    }
}
