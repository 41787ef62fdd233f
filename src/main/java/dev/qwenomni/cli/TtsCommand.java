package dev.qwenomni.cli;

import dev.qwenomni.codec.CodeCorrespondence;
import dev.qwenomni.codec.CodecCheckpoint;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.speech.DatasetBuilder;
import dev.qwenomni.speech.FliteAlignments;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.train.TrainConfig;
import dev.qwenomni.train.Trainer;
import dev.qwenomni.tts.CodeCache;
import dev.qwenomni.tts.TextFrontEnd;
import dev.qwenomni.tts.TtsConfig;
import dev.qwenomni.tts.TtsExamples;
import dev.qwenomni.tts.TtsTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The multimodal text-to-speech LM: training (and, as subcommands grow, its evaluation). */
@Command(name = "tts", mixinStandardHelpOptions = true, description = "Train and evaluate the text-to-speech LM.",
        subcommands = {TtsCommand.Train.class, TtsEvalCommand.class})
public final class TtsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the LM on speech data: text (graphemes or phonemes) in, codec tokens out. Resumes from OUT/checkpoints.")
    static final class Train implements Callable<Integer> {
        private static final Logger log = LoggerFactory.getLogger(Train.class);

        @Option(names = "--out", defaultValue = "runs/tts", description = "run folder (default ${DEFAULT-VALUE})") Path out;
        @Option(names = "--codec", defaultValue = DataPaths.CODEC, description = "codec checkpoint (default ${DEFAULT-VALUE})") Path codecDir;
        @Option(names = "--manifest", defaultValue = DataPaths.CACHE + "/speech-rms20/manifest.jsonl",
                description = "speech data (default ${DEFAULT-VALUE}); built from the corpus with the --voices teachers when missing") Path manifest;
        @Option(names = "--data-hours", defaultValue = "20", description = "hours of training speech when the data must be built (default ${DEFAULT-VALUE})")
        double dataHours;
        @Option(names = "--cache", defaultValue = DataPaths.CACHE, description = "codes and phoneme caches (default ${DEFAULT-VALUE})") Path cache;
        @Option(names = "--corpus", defaultValue = DataPaths.CORPUS, description = "text the speech data is drawn from, when it must be built") Path kjv;
        @Option(names = "--test-list", defaultValue = DataPaths.TEST_LIST, description = "sentences kept out of the speech data's training split") Path testList;
        @Option(names = "--front-end", defaultValue = "flite-phones",
                description = "graphemes, phonemes or flite-phones (default ${DEFAULT-VALUE}: the teacher's phones, which bring its timings for the aligned guide)") String frontEnd;
        @Option(names = "--voices", split = ",", defaultValue = "flite:rms",
                description = "train on these teacher voices only (default ${DEFAULT-VALUE}; 'all' = every voice in the manifest)") List<String> voices;
        @Option(names = "--default-voice", defaultValue = "flite:rms", description = "voice speak uses when none is given") String defaultVoice;
        @Option(names = "--text-loss", description = "also train on predicting the text tokens") boolean textLoss;
        @Option(names = "--steps", defaultValue = "11000", description = "optimizer steps; the cosine schedule ends here (default ${DEFAULT-VALUE})") int steps;
        @Option(names = "--batch", defaultValue = "4") int batch;
        @Option(names = "--seq-len", defaultValue = "1024") int seqLen;
        @Option(names = "--accum", defaultValue = "1") int accum;
        @Option(names = "--lr", defaultValue = "1e-3") double lr;
        @Option(names = "--warmup", defaultValue = "100") int warmup;
        @Option(names = "--weight-decay", defaultValue = "0.1") double weightDecay;
        @Option(names = "--clip", defaultValue = "1.0") double clip;
        @Option(names = "--eval-every", defaultValue = "250") int evalEvery;
        @Option(names = "--eval-batches", defaultValue = "8") int evalBatches;
        @Option(names = "--checkpoint-every", defaultValue = "250") int checkpointEvery;
        @Option(names = "--seed", defaultValue = "1234") long seed;
        @Option(names = "--attention", defaultValue = "flash") String attention;
        @Option(names = "--stop-after", defaultValue = "2147483647") int stopAfter;
        @Option(names = "--no-progress") boolean noProgress;
        @Option(names = "--guide-weight", defaultValue = "1.0",
                description = "weight of the attention guide, a diagonal prior on where audio attends in the text (0 = off; default ${DEFAULT-VALUE})")
        double guideWeight;
        @Option(names = "--guide-sigma", defaultValue = "0.2", description = "width of the diagonal prior, as a fraction of the text (default ${DEFAULT-VALUE})")
        double guideSigma;
        @Option(names = "--guide-spread", defaultValue = "3",
                description = "width in bytes of the aligned prior, centred on the phone the teacher spoke (flite-phones front-end; default ${DEFAULT-VALUE})")
        double guideSpread;
        @Option(names = "--guide-heads", defaultValue = "1", description = "guided heads per guided layer (default ${DEFAULT-VALUE})") int guideHeads;
        @Option(names = "--guide-layers", split = ",",
                description = "guided layers (default: every layer but the first, whose queries cannot yet know how far the speech has got)")
        List<Integer> guideLayers;
        @Mixin ModelOptions modelOptions;
        @Option(names = "--init", description = "start a fresh run from this TTS checkpoint's weights (e.g. checkpoints/tts, to train it on "
                + "codes from a new codec); its model config is used (the size options are ignored) and its front-end must be --front-end's")
        Path init;
        @Option(names = "--init-codec", description = "the codec the --init model was trained on: each code of --codec then starts its audio rows "
                + "from those of the old code nearest in the latent it decodes (a codec trained on or grown from the old one), instead of fresh")
        Path initCodec;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(codecDir.resolve("model.safetensors")))
                throw new IllegalArgumentException(codecDir + ": no codec checkpoint (train one with omni codec train)");
            boolean allVoices = voices.equals(List.of("all"));
            if (!Files.isRegularFile(manifest)) {
                if (allVoices) throw new IllegalArgumentException(manifest + " not found: build the speech data first (./omni data build)");
                // the default job builds its own data: the teacher voices render the corpus (minutes)
                log.info("{} not found: building {} h of speech with {} into {}", manifest, dataHours, voices, manifest.getParent());
                manifest = new DatasetBuilder(new DatasetBuilder.Options(kjv, testList,
                        manifest.toAbsolutePath().getParent(), voices, dataHours, 60, 2, !noProgress)).build().manifest();
            }
            TextFrontEnd fe = TextFrontEnd.parse(frontEnd);
            Qwen3Config initModel = null;
            TtsConfig initTts = null;
            if (initCodec != null && init == null) throw new IllegalArgumentException("--init-codec " + initCodec + " needs --init (the model trained on its codes)");
            if (init != null) {
                initTts = TtsConfig.read(init);
                if (initTts.frontEnd() != fe)
                    throw new IllegalArgumentException("--init " + init + " reads " + initTts.frontEnd().id() + ", not --front-end " + fe.id());
                initModel = Qwen3Config.read(init.resolve("config.json"));
            }
            SnacCodec codec = CodecCheckpoint.load(codecDir);
            int[][] codeMap = null;
            if (initCodec != null) {
                SnacCodec old = CodecCheckpoint.load(initCodec);
                if (!initTts.speaksThrough(old))
                    throw new IllegalArgumentException("--init-codec " + initCodec + ": its codes are not the ones --init " + init + " was trained on");
                codeMap = CodeCorrespondence.nearest(old, codec);
                log.info("--init-codec {}: each of {} codes a level starts from the nearest of the old {} ({} / {} / {} distinct old codes used)",
                        initCodec, codec.config.codebookSize(), old.config.codebookSize(),
                        java.util.Arrays.stream(codeMap[0]).distinct().count(), java.util.Arrays.stream(codeMap[1]).distinct().count(),
                        java.util.Arrays.stream(codeMap[2]).distinct().count());
            }
            String sha = CodecCheckpoint.codesSha256(codec);
            List<ManifestEntry> entries = ManifestEntry.read(manifest).stream()
                    .filter(e -> e.split().equals("train") || e.split().equals("val"))
                    .filter(e -> allVoices || voices.contains(e.speaker())).toList();
            if (entries.isEmpty()) throw new IllegalArgumentException(manifest + ": no train/val clips" + (allVoices ? "" : " for voices " + voices));
            Map<String, int[][]> codes = new CodeCache(cache.resolve("codes"), sha).codes(codec, manifest, entries);
            int[] strides = codec.config.vqStrides();
            double frameRate = codec.config.samplingRate() / (double) (codec.config.hopLength() * strides[0]);
            TtsConfig probe = new TtsConfig(fe, codec.config.codebookSize(), sha, defaultVoice, 1, frameRate);
            // the flite phones come with the teacher's own timings: each audio frame knows its phone
            Map<String, FliteAlignments.Alignment> aligned = null;
            if (fe == TextFrontEnd.FLITE_PHONES) {
                List<String> fliteVoices = entries.stream().map(ManifestEntry::speaker).distinct().toList();
                if (fliteVoices.size() != 1 || !fliteVoices.get(0).startsWith("flite:"))
                    throw new IllegalArgumentException("the flite-phones front-end trains on one flite voice, not " + fliteVoices);
                log.info("aligning {} clips with the teacher's phone timings (cached in {})", entries.size(), cache.resolve("align"));
                aligned = new FliteAlignments(cache.resolve("align"), fliteVoices.get(0).substring("flite:".length()))
                        .get(entries.stream().map(ManifestEntry::text).toList());
            }
            List<TtsExamples.Example> all = TtsExamples.build(entries, codes, fe, probe.tokens(), cache.resolve("phonemes"), aligned, frameRate);
            double slowest = all.stream().mapToDouble(e -> e.seconds() / Math.max(1, e.symbols())).max().orElse(0.1);
            TtsConfig cfg = new TtsConfig(fe, codec.config.codebookSize(), sha, defaultVoice, 1.5 * slowest, frameRate,
                    CodecCheckpoint.codebooksSha256(codec));
            List<TtsExamples.Example> train = all.stream().filter(e -> e.split().equals("train")).toList();
            List<TtsExamples.Example> val = all.stream().filter(e -> e.split().equals("val")).toList();
            Qwen3Config mc = modelOptions.config(TrainCommand.roundUp(cfg.tokens().vocabSize(), 64), cfg.tokens().endOfSpeech());
            if (initModel != null) {
                if (initModel.eosTokenId() != mc.eosTokenId())
                    throw new IllegalArgumentException("--init " + init + ": end token " + initModel.eosTokenId()
                            + " does not fit this codec's layout (end " + mc.eosTokenId() + ")");
                if (initModel.vocabSize() != mc.vocabSize())
                    log.info("--init {}: vocabulary {} -> {} for {} codes per level; the audio rows (from id {}) start {}", init,
                            initModel.vocabSize(), mc.vocabSize(), codec.config.codebookSize(), cfg.tokens().audio().audioBase(),
                            codeMap == null ? "fresh" : "from their nearest old codes' rows");
                mc = initModel.withVocabSize(mc.vocabSize());
            }
            Qwen3Model model = new Qwen3Model(mc, AttentionKind.parse(attention));
            if (guideWeight > 0) {
                boolean[] layers = new boolean[mc.numLayers()];
                if (guideLayers == null) for (int l = 1; l < layers.length; l++) layers[l] = true;
                else for (int l : guideLayers) {
                    if (l < 0 || l >= layers.length) throw new IllegalArgumentException("--guide-layers: layer " + l + " outside 0.." + (layers.length - 1));
                    layers[l] = true;
                }
                model.guide(new dev.qwenomni.nn.AttentionGuide(guideHeads, guideSigma, guideSpread, guideWeight), layers);
                log.info("attention guide ({}): weight {}, {} head(s) in layers {}", fe == TextFrontEnd.FLITE_PHONES
                                ? "aligned to the teacher's phones, spread " + guideSpread + " bytes" : "diagonal, sigma " + guideSigma,
                        guideWeight, guideHeads,
                        java.util.stream.IntStream.range(0, layers.length).filter(l -> layers[l]).boxed().toList());
            }
            TtsTask task = new TtsTask(model, cfg, train, val, batch, seqLen, evalBatches, textLoss, seed);
            if (codeMap != null) task.startFrom(init, codeMap);
            else if (init != null) task.startFrom(init);
            long tokensTrain = train.stream().mapToLong(e -> e.tokens().length).sum();
            log.info("{} train / {} val clips ({} dropped as longer than {} tokens), {} train tokens, front-end {}, {} voices",
                    train.size(), val.size(), task.dropped(train) + task.dropped(val), seqLen, tokensTrain, fe.id(),
                    all.stream().map(TtsExamples.Example::voice).distinct().count());
            log.info("model: {} parameters, {} layers, hidden {}, vocab {}", model.params().count(), mc.numLayers(), mc.hiddenSize(), mc.vocabSize());
            TrainConfig tc = new TrainConfig(steps, batch, seqLen, accum, lr, warmup, 0.1, weightDecay, 0.9, 0.95, 1e-8, clip,
                    evalEvery, evalBatches, checkpointEvery, seed, attention);
            Trainer trainer = new Trainer(task, tc, out).showProgress(!noProgress);
            Trainer.Summary s = trainer.run(seed, stopAfter);
            log.info("done: {} steps, eval {}; checkpoint in {}", s.steps(), s.eval(), trainer.checkpointRoot());
            return 0;
        }
    }
}
