package dev.qwenomni.tts;

import dev.qwenomni.codec.CodecCheckpoint;
import dev.qwenomni.codec.NoiseSource;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.codec.StreamingDecoder;
import dev.qwenomni.io.HfCheckpoint;
import dev.qwenomni.model.DecodeAttention;
import dev.qwenomni.model.Qwen3Decoder;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.model.Sampler;
import dev.qwenomni.model.SamplingConfig;
import dev.qwenomni.nn.AttentionKind;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text to speech with a trained LM and codec: the prompt is prefilled, audio tokens are sampled
 * under the frame grammar with a KV cache (several texts decode as one batch, one cache slot
 * each), and the codes are decoded to audio, either at the end or frame by frame through the
 * codec's streaming decoder. Text i samples (and draws the decoder's noise) with seed + i, so it
 * gets the same tokens and audio alone as in a batch (up to float rounding of batched gemm).
 */
public final class Synthesizer {
    public final Qwen3Model lm;
    public final TtsConfig config;
    public final SnacCodec codec;
    private final SpeechTokens tokens;
    private final DecodeAttention.Kind attention;
    private final Path phonemeCache;

    public Synthesizer(Qwen3Model lm, TtsConfig config, SnacCodec codec, DecodeAttention.Kind attention, Path phonemeCache) {
        this.lm = lm;
        this.config = config;
        this.codec = codec;
        this.tokens = config.tokens();
        this.attention = attention;
        this.phonemeCache = phonemeCache;
        if (codec.config.codebookSize() != config.codebookSize())
            throw new IllegalArgumentException("the codec has " + codec.config.codebookSize() + " codes, the TTS model expects " + config.codebookSize());
        if (lm.config.vocabSize() < tokens.vocabSize())
            throw new IllegalArgumentException("the LM's vocabulary of " + lm.config.vocabSize() + " is smaller than the layout's " + tokens.vocabSize());
    }

    /**
     * Loads an LM checkpoint with its tts.json and a codec whose codes are the ones it was trained
     * on, or whose codes stand for the same vectors ({@link TtsConfig#speaksThrough}).
     */
    public static Synthesizer load(Path ttsDir, Path codecDir, DecodeAttention.Kind attention, Path phonemeCache) throws IOException {
        TtsConfig cfg = TtsConfig.read(ttsDir);
        SnacCodec codec = CodecCheckpoint.load(codecDir);
        if (!cfg.speaksThrough(codec))
            throw new IOException(codecDir + ": this codec's codes (sha256 " + CodecCheckpoint.codesSha256(codec).substring(0, 12) + ", codebooks "
                    + CodecCheckpoint.codebooksSha256(codec).substring(0, 12) + ") are not the ones " + ttsDir + " was trained on ("
                    + cfg.codesSha256().substring(0, 12) + (cfg.codebooksSha256() == null ? "" : ", codebooks " + cfg.codebooksSha256().substring(0, 12)) + ")");
        return new Synthesizer(HfCheckpoint.load(ttsDir, AttentionKind.MATERIALIZED), cfg, codec, attention, phonemeCache);
    }

    public int sampleRate() { return codec.config.samplingRate(); }

    /** Audio chunks as they become final (streaming): text index and samples. */
    public interface AudioSink { void accept(int text, float[] audio) throws IOException; }

    /**
     * One text's outcome: audio, codes, whether it ended with end_of_speech, timings, and the model's own log-likelihood
     * of what it sampled: the sum over the choices made (tokens where the grammar allowed more than one) of log p(token),
     * p being the softmax of the raw logits over the allowed ids, before temperature, top-p and repetition penalty.
     */
    public record Result(float[] audio, int[][] codes, int frames, boolean stopped, double generateSeconds, double firstAudioSeconds,
                         double logProb, int choices) {
        /** Mean log-probability per choice (0 when there was none). */
        public double meanLogProb() { return choices == 0 ? 0 : logProb / choices; }
    }

    public List<Result> synthesize(List<String> texts, String voice, SamplingConfig sampling, AudioSink stream) throws IOException {
        return synthesize(texts, voice, sampling, stream, true);
    }

    /**
     * As above; with decode false (and no stream) the results carry codes but no audio, for a caller that renders only
     * some of them ({@link #render}).
     */
    public List<Result> synthesize(List<String> texts, String voice, SamplingConfig sampling, AudioSink stream, boolean decode) throws IOException {
        long t0 = System.nanoTime();
        int n = texts.size();
        List<String> symbols = config.frontEnd().symbols(texts, phonemeCache);
        int[][] prompts = new int[n][];
        int[] maxFrames = new int[n];
        int maxLen = 0;
        for (int i = 0; i < n; i++) {
            prompts[i] = tokens.prompt(TtsExamples.textIds(TtsExamples.promptText(config.voice(voice), symbols.get(i))));
            maxFrames[i] = config.maxFrames(symbols.get(i).length());
            maxLen = Math.max(maxLen, prompts[i].length + maxFrames[i] * OrpheusLayout.FRAME + 1);
        }
        maxLen = Math.min(maxLen, lm.config.maxPositions());
        Qwen3Decoder dec = new Qwen3Decoder(lm, n, maxLen, attention);
        Sampler[] samplers = new Sampler[n];
        int[][] generated = new int[n][maxLen];
        int[] count = new int[n];
        boolean[] done = new boolean[n], stopped = new boolean[n];
        double[] logProb = new double[n];
        int[] choices = new int[n];
        float[][] logits = new float[n][];
        StreamingDecoder[] streams = new StreamingDecoder[n];
        double[] firstAudio = new double[n], finished = new double[n];
        Arrays.fill(firstAudio, Double.NaN);
        for (int i = 0; i < n; i++) {
            samplers[i] = new Sampler(sampling.withSeed(sampling.seed() + i));
            if (prompts[i].length >= maxLen) throw new IllegalArgumentException("text " + i + " is too long for the model's " + lm.config.maxPositions() + " positions");
            maxFrames[i] = Math.min(maxFrames[i], (maxLen - prompts[i].length - 1) / OrpheusLayout.FRAME);
            logits[i] = dec.prefill(i, prompts[i]);
            if (stream != null) streams[i] = new StreamingDecoder(codec, NoiseSource.seeded(sampling.seed() + i));
        }
        while (true) {
            List<Integer> active = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (done[i]) continue;
                int[] allowed = count[i] >= maxFrames[i] * OrpheusLayout.FRAME ? new int[]{tokens.endOfSpeech()} : tokens.allowedAfter(count[i], 1);
                int tok = samplers[i].sample(logits[i], allowed, generated[i], count[i]);
                if (allowed.length > 1) {
                    logProb[i] += Sampler.logProbAmong(logits[i], allowed, tok);
                    choices[i]++;
                }
                if (tok == tokens.endOfSpeech()) {
                    done[i] = true;
                    stopped[i] = count[i] < maxFrames[i] * OrpheusLayout.FRAME || allowed.length > 1;
                    finished[i] = (System.nanoTime() - t0) / 1e9;
                    if (stream != null) {
                        float[] rest = streams[i].finish();
                        markFirst(firstAudio, i, rest, t0);
                        stream.accept(i, rest);
                    }
                    continue;
                }
                generated[i][count[i]++] = tok;
                if (stream != null && count[i] % OrpheusLayout.FRAME == 0) {
                    int[] frame = Arrays.copyOfRange(generated[i], count[i] - OrpheusLayout.FRAME, count[i]);
                    float[] chunk = streams[i].push(tokens.audio().toCodes(frame));
                    markFirst(firstAudio, i, chunk, t0);
                    stream.accept(i, chunk);
                }
                active.add(i);
            }
            if (active.isEmpty()) break;
            int[] slots = active.stream().mapToInt(Integer::intValue).toArray(), ids = new int[slots.length];
            for (int j = 0; j < slots.length; j++) ids[j] = generated[slots[j]][count[slots[j]] - 1];
            boolean[] want = new boolean[slots.length];
            Arrays.fill(want, true);
            float[][] next = dec.forward(slots, ids, want);
            for (int j = 0; j < slots.length; j++) logits[slots[j]] = next[j];
        }
        List<Result> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[][] codes = tokens.audio().toCodes(Arrays.copyOf(generated[i], count[i]));
            float[] audio = stream != null || count[i] == 0 || !decode ? new float[0] : render(codes, sampling.seed() + i);
            double gen = (System.nanoTime() - t0) / 1e9;
            out.add(new Result(audio, codes, count[i] / OrpheusLayout.FRAME, stopped[i], stream != null ? finished[i] : gen,
                    stream != null ? firstAudio[i] : gen, logProb[i], choices[i]));
        }
        return out;
    }


    /** The audio of codes sampled with this seed: the decoder's noise is drawn from the same seed, as in synthesize. */
    public float[] render(int[][] codes, long seed) {
        return codec.decode(codes, NoiseSource.seeded(seed));
    }

    private static void markFirst(double[] first, int i, float[] chunk, long t0) {
        if (chunk.length > 0 && Double.isNaN(first[i])) first[i] = (System.nanoTime() - t0) / 1e9;
    }
}
