package dev.qwenomni.tts;

import dev.qwenomni.codec.CodeCorrespondence;
import dev.qwenomni.codec.CodecCheckpoint;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.model.ModelShape;
import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.speech.DatasetBuilder;
import dev.qwenomni.speech.FliteAlignments;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.train.TrainConfig;
import dev.qwenomni.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A TTS training run, from the speech data to the trainer: builds the teacher's speech when the
 * manifest is missing, encodes it with the codec (cached), aligns it with the teacher's phones
 * for the flite-phones front-end, packs the examples, makes or loads the model and trains it.
 */
public final class TtsTraining {
    private static final Logger log = LoggerFactory.getLogger(TtsTraining.class);

    /** The run's settings, by name; the defaults are `omni tts train`'s. */
    public static final class Options {
        public Path out = Path.of("runs/tts"), codec, manifest, cache, corpus, testList;
        /** Hours of training speech when the manifest must be built. */
        public double dataHours = 20;
        public TextFrontEnd frontEnd = TextFrontEnd.FLITE_PHONES;
        /** Teacher voices to train on; ["all"] takes every voice of the manifest. */
        public List<String> voices = List.of("flite:rms");
        public String defaultVoice = "flite:rms";
        public boolean textLoss;
        /** The schedule and the attention kernel (train.attention, a name AttentionKind parses). */
        public TrainConfig train = DEFAULT_TRAIN;
        public ModelShape shape = ModelShape.DEFAULT;
        /** The attention guide: weight (0 = off), diagonal width (fraction of the text), aligned width (keys), heads, layers (null: all but the first). */
        public double guideWeight = 1, guideSigma = 0.2, guideSpread = 3;
        public int guideHeads = 1;
        public List<Integer> guideLayers;
        /** Start from this TTS checkpoint's weights; with initCodec, new codes start from their nearest old code's rows. */
        public Path init, initCodec;
        public int stopAfter = Integer.MAX_VALUE;
        public boolean progress = true;
    }

    /** `omni tts train`'s schedule: 11000 steps of 4 x 1024 tokens, peak 1e-3 after 100 steps. */
    public static final TrainConfig DEFAULT_TRAIN = TrainConfig.defaults().with(c -> {
        c.steps = 11000; c.batch = 4; c.seqLen = 1024; c.lr = 1e-3; c.warmup = 100; c.evalEvery = 250; c.checkpointEvery = 250;
        c.attention = "block_causal";
    });

    /** What the data preparation made: the model's token layout and the packed examples. */
    public record Data(TtsConfig config, List<TtsExamples.Example> train, List<TtsExamples.Example> val) {
        int voices() { return (int) java.util.stream.Stream.concat(train.stream(), val.stream()).map(TtsExamples.Example::voice).distinct().count(); }
    }

    private final Options o;

    public TtsTraining(Options o) { this.o = o; }

    /** Prepares the data, builds the model and trains it to o.train.steps (or o.stopAfter); returns the trainer's summary. */
    public Trainer.Summary run() throws Exception {
        if (!Files.isRegularFile(o.codec.resolve("model.safetensors")))
            throw new IllegalArgumentException(o.codec + ": no codec checkpoint (train one with omni codec train)");
        if (o.initCodec != null && o.init == null) throw new IllegalArgumentException("--init-codec " + o.initCodec + " needs --init (the model trained on its codes)");
        TtsConfig initTts = o.init == null ? null : TtsConfig.read(o.init);
        if (initTts != null && initTts.frontEnd() != o.frontEnd)
            throw new IllegalArgumentException("--init " + o.init + " reads " + initTts.frontEnd().id() + ", not --front-end " + o.frontEnd.id());
        SnacCodec codec = CodecCheckpoint.load(o.codec);
        int[][] codeMap = o.initCodec == null ? null : codeMap(initTts, codec);
        Data data = prepare(codec, manifest());
        Qwen3Model model = model(data.config(), codec);
        TtsTask task = new TtsTask(model, data.config(), data.train(), data.val(), o.train.batch(), o.train.seqLen(), o.train.evalBatches(), o.textLoss, o.train.seed());
        guide(task, model.config.numLayers());
        if (codeMap != null) task.startFrom(o.init, codeMap);
        else if (o.init != null) task.startFrom(o.init);
        long tokensTrain = data.train().stream().mapToLong(e -> e.tokens().length).sum();
        log.info("{} train / {} val clips ({} dropped as longer than {} tokens), {} train tokens, front-end {}, {} voices",
                data.train().size(), data.val().size(), task.dropped(data.train()) + task.dropped(data.val()), o.train.seqLen(), tokensTrain,
                o.frontEnd.id(), data.voices());
        Qwen3Config mc = model.config;
        log.info("model: {} parameters, {} layers, hidden {}, vocab {}", model.params().count(), mc.numLayers(), mc.hiddenSize(), mc.vocabSize());
        Trainer trainer = new Trainer(task, o.train, o.out).showProgress(o.progress);
        Trainer.Summary s = trainer.run(o.train.seed(), o.stopAfter);
        log.info("done: {} steps, eval {}; checkpoint in {}", s.steps(), s.eval(), trainer.checkpointRoot());
        return s;
    }

    /** The manifest, built from the corpus with the teacher voices when it is missing (the default job makes its own data). */
    private Path manifest() throws Exception {
        if (Files.isRegularFile(o.manifest)) return o.manifest;
        if (allVoices()) throw new IllegalArgumentException(o.manifest + " not found: build the speech data first (./omni data build)");
        log.info("{} not found: building {} h of speech with {} into {}", o.manifest, o.dataHours, o.voices, o.manifest.getParent());
        return new DatasetBuilder(new DatasetBuilder.Options(o.corpus, o.testList, o.manifest.toAbsolutePath().getParent(), o.voices,
                o.dataHours, 60, 2, o.progress)).build().manifest();
    }

    private boolean allVoices() { return o.voices.equals(List.of("all")); }

    /** Per level, the old code each new code's audio rows start from. */
    private int[][] codeMap(TtsConfig initTts, SnacCodec codec) throws IOException {
        SnacCodec old = CodecCheckpoint.load(o.initCodec);
        if (!initTts.speaksThrough(old))
            throw new IllegalArgumentException("--init-codec " + o.initCodec + ": its codes are not the ones --init " + o.init + " was trained on");
        int[][] map = CodeCorrespondence.nearest(old, codec);
        log.info("--init-codec {}: each of {} codes a level starts from the nearest of the old {} ({} / {} / {} distinct old codes used)",
                o.initCodec, codec.config.codebookSize(), old.config.codebookSize(),
                Arrays.stream(map[0]).distinct().count(), Arrays.stream(map[1]).distinct().count(), Arrays.stream(map[2]).distinct().count());
        return map;
    }

    /**
     * The data preparation: the train and val clips of the chosen voices, their codes (encoded
     * once per codec, cached), the teacher's phone timings (flite-phones), and the packed examples
     * with the token layout they imply.
     */
    public Data prepare(SnacCodec codec, Path manifest) throws IOException {
        String sha = CodecCheckpoint.codesSha256(codec);
        List<ManifestEntry> entries = ManifestEntry.read(manifest).stream()
                .filter(e -> e.split().equals("train") || e.split().equals("val"))
                .filter(e -> allVoices() || o.voices.contains(e.speaker())).toList();
        if (entries.isEmpty()) throw new IllegalArgumentException(manifest + ": no train/val clips" + (allVoices() ? "" : " for voices " + o.voices));
        Map<String, int[][]> codes = new CodeCache(o.cache.resolve("codes"), sha).codes(codec, manifest, entries);
        int[] strides = codec.config.vqStrides();
        double frameRate = codec.config.samplingRate() / (double) (codec.config.hopLength() * strides[0]);
        TtsConfig probe = new TtsConfig(o.frontEnd, codec.config.codebookSize(), sha, o.defaultVoice, 1, frameRate);
        // the flite phones come with the teacher's own timings: each audio frame knows its phone
        Map<String, FliteAlignments.Alignment> aligned = null;
        if (o.frontEnd == TextFrontEnd.FLITE_PHONES) {
            List<String> fliteVoices = entries.stream().map(ManifestEntry::speaker).distinct().toList();
            if (fliteVoices.size() != 1 || !fliteVoices.get(0).startsWith("flite:"))
                throw new IllegalArgumentException("the flite-phones front-end trains on one flite voice, not " + fliteVoices);
            log.info("aligning {} clips with the teacher's phone timings (cached in {})", entries.size(), o.cache.resolve("align"));
            aligned = new FliteAlignments(o.cache.resolve("align"), fliteVoices.get(0).substring("flite:".length()))
                    .get(entries.stream().map(ManifestEntry::text).toList());
        }
        List<TtsExamples.Example> all = TtsExamples.build(entries, codes, o.frontEnd, probe.tokens(), o.cache.resolve("phonemes"), aligned, frameRate);
        double slowest = all.stream().mapToDouble(e -> e.seconds() / Math.max(1, e.symbols())).max().orElse(0.1);
        TtsConfig cfg = new TtsConfig(o.frontEnd, codec.config.codebookSize(), sha, o.defaultVoice, 1.5 * slowest, frameRate,
                CodecCheckpoint.codebooksSha256(codec), entries.stream().map(ManifestEntry::speaker).distinct().sorted().toList());
        return new Data(cfg, all.stream().filter(e -> e.split().equals("train")).toList(), all.stream().filter(e -> e.split().equals("val")).toList());
    }

    /** A fresh model of o.shape for this layout, or --init's shape with the vocabulary this codec needs. */
    private Qwen3Model model(TtsConfig cfg, SnacCodec codec) throws IOException {
        Qwen3Config mc = o.shape.config(ModelShape.roundUp(cfg.tokens().vocabSize(), 64), cfg.tokens().endOfSpeech());
        if (o.init != null) {
            Qwen3Config initModel = Qwen3Config.read(o.init.resolve("config.json"));
            if (initModel.eosTokenId() != mc.eosTokenId())
                throw new IllegalArgumentException("--init " + o.init + ": end token " + initModel.eosTokenId()
                        + " does not fit this codec's layout (end " + mc.eosTokenId() + ")");
            if (initModel.vocabSize() != mc.vocabSize())
                log.info("--init {}: vocabulary {} -> {} for {} codes per level; the audio rows (from id {}) start {}", o.init,
                        initModel.vocabSize(), mc.vocabSize(), codec.config.codebookSize(), cfg.tokens().audio().audioBase(),
                        o.initCodec == null ? "fresh" : "from their nearest old codes' rows");
            mc = initModel.withVocabSize(mc.vocabSize());
        }
        return new Qwen3Model(mc, AttentionKind.parse(o.train.attention()));
    }

    /** The task trains with the attention guide on o.guideLayers (default: all but the first) unless its weight is 0. */
    private void guide(TtsTask task, int numLayers) {
        if (o.guideWeight <= 0) return;
        boolean[] layers = new boolean[numLayers];
        if (o.guideLayers == null) for (int l = 1; l < layers.length; l++) layers[l] = true;
        else for (int l : o.guideLayers) {
            if (l < 0 || l >= layers.length) throw new IllegalArgumentException("--guide-layers: layer " + l + " outside 0.." + (layers.length - 1));
            layers[l] = true;
        }
        task.guide(new AttentionGuide(o.guideHeads, o.guideSigma, o.guideSpread, o.guideWeight), layers);
        log.info("attention guide ({}): weight {}, {} head(s) in layers {}", o.frontEnd == TextFrontEnd.FLITE_PHONES
                        ? "aligned to the teacher's phones, spread " + o.guideSpread + " bytes" : "diagonal, sigma " + o.guideSigma,
                o.guideWeight, o.guideHeads, IntStream.range(0, layers.length).filter(l -> layers[l]).boxed().toList());
    }
}
