package dev.qwenomni.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.codec.CodecCheckpoint;
import dev.qwenomni.codec.CodecEvaluation;
import dev.qwenomni.codec.NoiseSource;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.codec.SnacConfig;
import dev.qwenomni.codec.StreamingDecoder;
import dev.qwenomni.nn.ConvKernel;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.sys.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/** The codec on its own: WAV to codes, codes to WAV, and its speed. */
@Command(name = "codec", mixinStandardHelpOptions = true, description = "Encode, decode and benchmark the SNAC-style codec.",
        subcommands = {CodecCommand.Encode.class, CodecCommand.Decode.class, CodecCommand.Bench.class, CodecCommand.Eval.class,
                CodecCommand.Widen.class, CodecCommand.Grow.class, CodecCommand.Average.class, CodecTrainCommand.class})
public final class CodecCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    @Command(name = "encode", mixinStandardHelpOptions = true, description = "WAV (any rate, mixed to mono) -> codes as JSON {\"codes\": [[...], ...]}")
    static final class Encode implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = {"-c", "--codec"}, required = true, description = "codec checkpoint (config.json + model.safetensors)") Path codec;
        @Parameters(index = "0") Path wav;
        @Parameters(index = "1") Path out;
        @Option(names = "--search", paramLabel = "K", description = "analysis-by-synthesis: try the K most similar coarse codes per frame "
                + "through the decoder (noise off) and keep the one closest to the clip in log-mel (slow: K decodes per coarse frame; "
                + "default: SNAC's cosine choice)") Integer search;

        @Override
        public Integer call() throws Exception {
            SnacCodec c = CodecCheckpoint.load(codec);
            Wav.Audio a = Wav.read(wav);
            float[] x = Resampler.resample(a.samples(), a.sampleRate(), c.config.samplingRate());
            int[][] codes = search == null ? c.encode(x) : new dev.qwenomni.codec.CodeSearch(c, search, NoiseSource.OFF).encode(c.preprocess(x));
            ObjectMapper json = new ObjectMapper();
            ObjectNode root = json.createObjectNode();
            root.put("sampling_rate", c.config.samplingRate());
            ArrayNode levels = root.putArray("codes");
            for (int[] level : codes) { ArrayNode l = levels.addArray(); for (int k : level) l.add(k); }
            AtomicFiles.write(out, json.writeValueAsBytes(root));
            spec.commandLine().getOut().printf("%s: %.2f s -> codes %s%n", wav, a.seconds(), Arrays.stream(codes).map(l -> Integer.toString(l.length)).toList());
            return 0;
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true, description = "codes JSON -> 16-bit mono WAV at the codec's rate")
    static final class Decode implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = {"-c", "--codec"}, required = true) Path codec;
        @Option(names = "--stream", description = "decode frame by frame with the streaming decoder") boolean stream;
        @Option(names = "--noise-seed", description = "noise seeded by position (default: noise off)") Long noiseSeed;
        /** Direct by default, as in speak: the same bits streamed or not (see SpeakCommand's option). */
        @Option(names = "--conv-kernel", defaultValue = "direct", description = "dense conv kernel: direct (streamed audio equals "
                + "the one-shot audio bit for bit) or gemm (faster; a streamed sample may differ by one step)") ConvKernel convKernel;
        @Parameters(index = "0") Path codesJson;
        @Parameters(index = "1") Path wav;

        @Override
        public Integer call() throws Exception {
            SnacCodec c = CodecCheckpoint.load(codec).useConvKernel(convKernel);
            NoiseSource noise = noiseSeed == null ? NoiseSource.OFF : NoiseSource.seeded(noiseSeed);
            JsonNode levels = new ObjectMapper().readTree(codesJson.toFile()).path("codes");
            if (!levels.isArray()) throw new IllegalArgumentException(codesJson + ": no \"codes\" list");
            int[][] codes = new int[levels.size()][];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = new int[levels.get(i).size()];
                for (int j = 0; j < codes[i].length; j++) codes[i][j] = levels.get(i).get(j).asInt();
            }
            long t0 = System.nanoTime();
            float[] audio;
            double firstAudio = Double.NaN;
            if (stream) {
                StreamingDecoder s = new StreamingDecoder(c, noise);
                audio = new float[0];
                int[] strides = c.config.vqStrides();
                for (int f = 0; f < codes[0].length; f++) {
                    int[][] frame = new int[codes.length][];
                    for (int i = 0; i < codes.length; i++) {
                        int per = strides[0] / strides[i];
                        frame[i] = Arrays.copyOfRange(codes[i], f * per, (f + 1) * per);
                    }
                    float[] chunk = s.push(frame);
                    if (chunk.length > 0 && Double.isNaN(firstAudio)) firstAudio = (System.nanoTime() - t0) / 1e9;
                    audio = concat(audio, chunk);
                }
                audio = concat(audio, s.finish());
            } else {
                audio = c.decode(codes, noise);
            }
            double sec = (System.nanoTime() - t0) / 1e9, dur = (double) audio.length / c.config.samplingRate();
            Wav.write(wav, audio, c.config.samplingRate());
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: %.2f s of audio in %.2f s (real-time factor %.2f)%s%n", wav, dur, sec, sec / dur,
                    stream ? String.format(Locale.ROOT, ", first audio after %.3f s (code frames arrive instantly here)", firstAudio) : "");
            return 0;
        }

        static float[] concat(float[] a, float[] b) {
            float[] r = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, r, a.length, b.length);
            return r;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Reconstruction metrics on a folder of WAVs: multi-scale mel distance, mel-cepstral distortion (MCD, DTW-aligned), SI-SDR, pitch error and periodicity, "
                    + "codebook usage per level.")
    static final class Eval implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = {"-c", "--codec"}, required = true) Path codec;
        @Parameters(index = "0", arity = "0..1", description = "folder of .wav files (or use --manifest)") Path folder;
        @Option(names = "--manifest", description = "speech manifest: evaluate the clips of --split instead of a folder") Path manifest;
        @Option(names = "--split", defaultValue = "test", description = "manifest split (default ${DEFAULT-VALUE}: held out from training)") String split;
        @Option(names = "--speaker", description = "only this manifest speaker (e.g. flite:rms); default all") String speaker;
        @Option(names = "--wer", description = "also transcribe the originals and the resyntheses with the recogniser (needs --manifest for the texts)")
        boolean wer;
        @Option(names = "--out", description = "write the resyntheses here, and with --wer what the recogniser heard (transcripts.tsv); default: a temporary folder, deleted") Path out;
        @Option(names = "--corpus", defaultValue = DataPaths.CORPUS) Path kjv;
        @Option(names = "--test-list", defaultValue = DataPaths.TEST_LIST) Path testList;
        @Option(names = "--jobs", defaultValue = "2") int jobs;
        @Option(names = "--limit", defaultValue = "0",
                description = "evaluate N clips spread evenly over the list (0 = all): the manifest lists voices one after another") int limit;
        @Option(names = "--noise-seed", description = "decode with the noise blocks on, seeded by position, as in training and in speak "
                + "(default: noise off)") Long noiseSeed;
        @Option(names = "--unquantized", description = "decode each level's projected latent instead of its chosen code: what the "
                + "codec scores when the codes cost nothing (a diagnostic; codebook usage is still counted from the codes)") boolean unquantized;
        @Option(names = "--code-choice", defaultValue = "cosine", description = "how encoding picks codes: cosine (SNAC's rule, "
                + "the default), euclidean (the least squared distance in code space) or search (analysis-by-synthesis: each coarse "
                + "frame's --candidates most similar coarse codes are decoded and the one closest to the clip in log-mel wins)") String codeChoice;
        @Option(names = "--candidates", description = "coarse codes tried per frame by --code-choice search "
                + "(default 4; each costs a decode of the decoder's receptive field)") Integer candidates;
        @Option(names = "--against", description = "with --wer, also encode and decode every clip with this codec (noise off, cosine codes) "
                + "and report its WER and the paired 95%% interval of the difference between the two resyntheses' WER") Path against;
        @Option(names = "--band-split", split = ",", paramLabel = "HZ", description = "with --wer, also score the clips made of the original "
                + "below HZ and the resynthesis above, and the other way round: which band of the resynthesis costs the recogniser")
        double[] bandSplits;

        @Override
        public Integer call() throws Exception {
            CodecEvaluation.Options o = new CodecEvaluation.Options();
            o.codec = codec; o.folder = folder; o.manifest = manifest; o.split = split; o.speaker = speaker; o.wer = wer; o.out = out;
            o.kjv = kjv; o.testList = testList; o.jobs = jobs; o.limit = limit; o.noiseSeed = noiseSeed; o.unquantized = unquantized;
            o.codeChoice = codeChoice; o.candidates = candidates; o.against = against; o.bandSplits = bandSplits;
            spec.commandLine().getOut().print(new CodecEvaluation(o).run().text());
            return Omni.OK;
        }
    }

    @Command(name = "widen", mixinStandardHelpOptions = true,
            description = "A copy of a codec with a wider decoder, or encoder, that computes the same audio (function-preserving). A "
                    + "wider decoder keeps the encoder and quantizers, so the codes and a TTS model trained on them stay valid: train it "
                    + "on with codec train --init OUT --freeze-codes. A wider encoder (and latent) starts from the same codes, but they "
                    + "are a new codec's once it trains (codec train --init OUT), and a TTS model must be trained on them.")
    static final class Widen implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = {"-c", "--codec"}, required = true) Path codec;
        @Option(names = "--decoder-dim", description = "the new decoder_dim (at least the codec's)") Integer decoderDim;
        @Option(names = "--encoder-dim", description = "the new encoder_dim (at least the codec's; the latent is encoder_dim x 2^blocks)")
        Integer encoderDim;
        @Option(names = "--out", required = true) Path out;
        @Option(names = "--noise", defaultValue = "0.01",
                description = "noise on the copied channels' weights, relative to each layer's weight RMS, so copies can part (default ${DEFAULT-VALUE})")
        double noise;
        @Option(names = "--seed", defaultValue = "1") long seed;

        @Override
        public Integer call() throws Exception {
            if (decoderDim == null && encoderDim == null) throw new IllegalArgumentException("give --decoder-dim, --encoder-dim or both");
            SnacCodec src = CodecCheckpoint.load(codec), wide = src;
            if (encoderDim != null) wide = dev.qwenomni.codec.CodecWidening.widenEncoder(wide, encoderDim, noise, seed);
            if (decoderDim != null) wide = dev.qwenomni.codec.CodecWidening.widenDecoder(wide, decoderDim, noise, encoderDim == null ? seed : seed + 1);
            CodecCheckpoint.save(wide, out);
            // how far the noise moved the output: decode a few seconds of codes both ways
            int[][] codes = new int[src.config.vqStrides().length][];
            Random r = new Random(seed);
            int frames = 64;
            for (int l = 0; l < codes.length; l++) {
                codes[l] = new int[frames * src.config.vqStrides()[0] / src.config.vqStrides()[l]];
                for (int t = 0; t < codes[l].length; t++) codes[l][t] = r.nextInt(src.config.codebookSize());
            }
            float[] a = src.decode(codes, NoiseSource.OFF), b = wide.decode(codes, NoiseSource.OFF);
            double diff = 0, energy = 0;
            for (int i = 0; i < a.length; i++) { diff += (a[i] - b[i]) * (double) (a[i] - b[i]); energy += (double) a[i] * a[i]; }
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: encoder_dim %d -> %d, decoder_dim %d -> %d, %d -> %d parameters; codes sha256 %s (unchanged: %b); "
                            + "decode of random codes differs by %.2e relative RMS%n", out, src.config.encoderDim(), wide.config.encoderDim(),
                    src.config.decoderDim(), wide.config.decoderDim(), src.params.count(), wide.params.count(),
                    CodecCheckpoint.codesSha256(wide).substring(0, 16),
                    CodecCheckpoint.codesSha256(wide).equals(CodecCheckpoint.codesSha256(src)), Math.sqrt(diff / Math.max(energy, 1e-30)));
            return 0;
        }
    }

    @Command(name = "grow", mixinStandardHelpOptions = true,
            description = "A copy of a codec with larger codebooks: the old codes keep their rows (and decode as before), the new rows "
                    + "are seeded with encodings of the manifest's training clips, level by level; train it on with codec train --init OUT. "
                    + "Its codes are new ones, so a TTS model must be trained on them.")
    static final class Grow implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = {"-c", "--codec"}, required = true) Path codec;
        @Option(names = "--codebook-size", required = true, description = "the new codebook_size (larger than the codec's)") int codebookSize;
        @Option(names = "--manifest", defaultValue = DataPaths.CACHE + "/speech/manifest.jsonl",
                description = "speech manifest whose train clips seed the new codes (default ${DEFAULT-VALUE})") Path manifest;
        @Option(names = "--out", required = true) Path out;
        @Option(names = "--seed", defaultValue = "1") long seed;

        @Override
        public Integer call() throws Exception {
            SnacCodec src = CodecCheckpoint.load(codec);
            if (!Files.isRegularFile(manifest)) throw new IllegalArgumentException(manifest + " not found: build the speech data first (./omni data build)");
            List<float[]> clips = new ArrayList<>();
            double seconds = 0;
            for (ManifestEntry e : ManifestEntry.read(manifest)) {
                if (!e.split().equals("train")) continue;
                float[] clip = dev.qwenomni.codec.CodecTask.readClip(manifest, e, src.config.samplingRate());
                clips.add(clip);
                seconds += clip.length / (double) src.config.samplingRate();
            }
            if (clips.isEmpty()) throw new IllegalArgumentException(manifest + " has no train clips to seed the new codes from");
            dev.qwenomni.codec.CodebookGrowth.Grown g = dev.qwenomni.codec.CodebookGrowth.grow(src, codebookSize, clips, seed);
            CodecCheckpoint.save(g.codec(), out);
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: codebook_size %d -> %d, seeded from %d clips (%.2f h)%n", out, src.config.codebookSize(),
                    codebookSize, clips.size(), seconds / 3600);
            for (int l = 0; l < g.report().errorBefore().length; l++)
                spec.commandLine().getOut().printf(Locale.ROOT, "level %d: code-space error ||z_e - code||^2 / ||z_e||^2 %.4f -> %.4f, %.1f%% of its picks are new codes%n",
                        l, g.report().errorBefore()[l], g.report().errorAfter()[l], 100 * g.report().newCodeShare()[l]);
            return 0;
        }
    }

    @Command(name = "average", mixinStandardHelpOptions = true,
            description = "The element-wise mean of several codecs of one config (checkpoint averaging, a model soup), e.g. decoder-only "
                    + "fine-tunes of one codec. Tensors they all share stay bit for bit, so fine-tunes that froze the codes average to a "
                    + "codec with the same codes.")
    static final class Average implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = {"-c", "--codec"}, required = true, description = "a codec directory; give two or more") List<Path> codecs;
        @Option(names = "--out", required = true) Path out;

        @Override
        public Integer call() throws Exception {
            List<SnacCodec> loaded = new ArrayList<>();
            for (Path c : codecs) loaded.add(CodecCheckpoint.load(c));
            SnacCodec mean = dev.qwenomni.codec.CodecAveraging.average(loaded);
            CodecCheckpoint.save(mean, out);
            String hash = CodecCheckpoint.codebooksSha256(mean);
            long same = loaded.stream().filter(c -> CodecCheckpoint.codebooksSha256(c).equals(hash)).count();
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: mean of %d codecs; codebooks sha256 %s, shared by %d of them%s%n", out, loaded.size(),
                    hash.substring(0, 16), same, same == loaded.size() ? " (the codes are theirs)" : " (new codes: a TTS model must be trained on them)");
            return 0;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Decoder real-time factor (seconds of compute per second of audio) per conv kernel, random weights.")
    static final class Bench implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--config", defaultValue = "snac24", description = "snac24 or a config.json path") String config;
        @Option(names = "--frames", defaultValue = "48", description = "latent frames to decode (48 = 1.02 s at 24 kHz)") int frames;
        @Option(names = "--kernels", split = ",", defaultValue = "direct,gemm", description = "conv kernels to time: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})") ConvKernel[] kernels;
        @Option(names = "--repeats", defaultValue = "3") int repeats;

        @Override
        public Integer call() throws Exception {
            SnacConfig cfg = config.equals("snac24") ? SnacConfig.SNAC_24KHZ : SnacConfig.read(Path.of(config));
            SnacCodec c = new SnacCodec(cfg);
            c.initialize(1);
            NoiseSource noise = NoiseSource.seeded(1);
            int[] strides = cfg.vqStrides();
            int coarse = Math.max(1, frames / strides[0]);
            int[][] codes = new int[strides.length][];
            Random r = new Random(1);
            for (int i = 0; i < strides.length; i++) {
                codes[i] = new int[coarse * strides[0] / strides[i]];
                for (int j = 0; j < codes[i].length; j++) codes[i][j] = r.nextInt(cfg.codebookSize());
            }
            double seconds = (double) coarse * strides[0] * cfg.hopLength() / cfg.samplingRate();
            spec.commandLine().getOut().printf(Locale.ROOT, "codec %s: %d parameters, %.2f s of audio per decode%n", config, c.params.count(), seconds);
            for (ConvKernel k : kernels) {
                c.useConvKernel(k);
                c.decode(codes, noise); // warm-up
                double[] t = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    c.decode(codes, noise);
                    t[i] = (System.nanoTime() - t0) / 1e9;
                }
                Arrays.sort(t);
                spec.commandLine().getOut().printf(Locale.ROOT, "  %-7s median %.3f s -> real-time factor %.3f (min %.3f, max %.3f)%n", k, t[repeats / 2],
                        t[repeats / 2] / seconds, t[0] / seconds, t[repeats - 1] / seconds);
            }
            return 0;
        }
    }
}
