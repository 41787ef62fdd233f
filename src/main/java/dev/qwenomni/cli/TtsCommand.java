package dev.qwenomni.cli;

import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tts.TextFrontEnd;
import dev.qwenomni.tts.TtsTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The text-to-speech LM: training and evaluation. */
@Command(name = "tts", mixinStandardHelpOptions = true, description = "Train and evaluate the text-to-speech LM.",
        subcommands = {TtsCommand.Train.class, TtsEvalCommand.class})
public final class TtsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    @Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = Train.Defaults.class,
            description = "Train the LM on speech data: text (graphemes or phonemes) in, codec tokens out. Resumes from OUT/checkpoints.")
    static final class Train implements Callable<Integer> {
        static final class Defaults extends TrainingOptions.Defaults {
            Defaults() { super(TtsTraining.DEFAULT_TRAIN); }
        }

        @Option(names = "--out", defaultValue = "runs/tts", description = "run folder (default ${DEFAULT-VALUE})") Path out;
        @Option(names = "--codec", defaultValue = DataPaths.CODEC, description = "codec checkpoint (default ${DEFAULT-VALUE})") Path codecDir;
        @Option(names = "--manifest", defaultValue = DataPaths.CACHE + "/speech-rms20/manifest.jsonl",
                description = "speech data (default ${DEFAULT-VALUE}); built from the corpus with the --voices teachers when missing") Path manifest;
        @Option(names = "--data-hours", defaultValue = "20", description = "hours of training speech when the data must be built (default ${DEFAULT-VALUE})")
        double dataHours;
        @Option(names = "--cache", defaultValue = DataPaths.CACHE, description = "codes and phoneme caches (default ${DEFAULT-VALUE})") Path cache;
        @Option(names = "--corpus", defaultValue = DataPaths.CORPUS, description = "text the speech data is drawn from, when it must be built") Path kjv;
        @Option(names = "--test-list", defaultValue = DataPaths.TEST_LIST, description = "sentences kept out of the speech data's training split") Path testList;
        @Option(names = "--front-end", defaultValue = "flite-phones", converter = FrontEndConverter.class,
                description = "graphemes, phonemes or flite-phones (default ${DEFAULT-VALUE}: the teacher's phones, which bring its timings for the aligned guide)")
        TextFrontEnd frontEnd;
        @Option(names = "--voices", split = ",", defaultValue = "flite:rms",
                description = "train on these teacher voices only (default ${DEFAULT-VALUE}; 'all' = every voice in the manifest)") List<String> voices;
        @Option(names = "--default-voice", defaultValue = "flite:rms", description = "voice speak uses when none is given") String defaultVoice;
        @Option(names = "--text-loss", description = "also train on predicting the text tokens") boolean textLoss;
        @Option(names = "--seq-len", defaultValue = "1024", description = "tokens per packed sequence (default ${DEFAULT-VALUE})") int seqLen;
        @Option(names = "--eval-batches", defaultValue = "8", description = "validation batches (default ${DEFAULT-VALUE})") int evalBatches;
        @Option(names = "--attention", defaultValue = "block_causal", description = "attention kernel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
        AttentionKind attention;
        @Option(names = "--guide-weight", defaultValue = "1.0",
                description = "weight of the attention guide, a prior on where audio attends in the text (0 = off; default ${DEFAULT-VALUE})")
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
        @Option(names = "--init", description = "start a fresh run from this TTS checkpoint's weights (e.g. checkpoints/tts, to train it on "
                + "codes from a new codec); its model config is used (the size options are ignored) and its front-end must be --front-end's")
        Path init;
        @Option(names = "--init-codec", description = "the codec the --init model was trained on: each code of --codec then starts its audio rows "
                + "from those of the old code nearest in the latent it decodes (a codec trained on or grown from the old one), instead of fresh")
        Path initCodec;
        @Mixin TrainingOptions training;
        @Mixin ModelOptions modelOptions;

        @Override
        public Integer call() throws Exception {
            TtsTraining.Options o = new TtsTraining.Options();
            o.out = out; o.codec = codecDir; o.manifest = manifest; o.dataHours = dataHours; o.cache = cache; o.corpus = kjv; o.testList = testList;
            o.frontEnd = frontEnd; o.voices = voices; o.defaultVoice = defaultVoice; o.textLoss = textLoss;
            o.train = training.applyTo(TtsTraining.DEFAULT_TRAIN).with(c -> {
                c.seqLen = seqLen; c.evalBatches = evalBatches; c.attention = attention.name().toLowerCase(Locale.ROOT);
            });
            o.shape = modelOptions.shape();
            o.guideWeight = guideWeight; o.guideSigma = guideSigma; o.guideSpread = guideSpread; o.guideHeads = guideHeads; o.guideLayers = guideLayers;
            o.init = init; o.initCodec = initCodec; o.stopAfter = training.stopAfter; o.progress = !training.noProgress;
            new TtsTraining(o).run();
            return Omni.OK;
        }
    }

    /** The front-ends by their ids (graphemes, phonemes, flite-phones). */
    static final class FrontEndConverter implements picocli.CommandLine.ITypeConverter<TextFrontEnd> {
        @Override public TextFrontEnd convert(String s) { return TextFrontEnd.parse(s); }
    }
}
