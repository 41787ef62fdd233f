package dev.qwenomni.cli;

import dev.qwenomni.codec.CodecObjective;
import dev.qwenomni.codec.CodecTask;
import dev.qwenomni.codec.CodecTraining;
import dev.qwenomni.codec.MultiPeriodDiscriminator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Codec training on the speech manifest, with the same trainer as the LM. */
@Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = CodecTrainCommand.Defaults.class,
        description = "Train a SNAC-style codec on the speech data (omni data build first). Resumes from OUT/checkpoints.")
public final class CodecTrainCommand implements Callable<Integer> {
    static final class Defaults extends TrainingOptions.Defaults {
        Defaults() { super(CodecTraining.DEFAULT_TRAIN); }
    }

    @Mixin TrainingOptions training;
    @Option(names = "--manifest", defaultValue = DataPaths.CACHE + "/speech/manifest.jsonl", description = "speech data (default ${DEFAULT-VALUE})")
    Path manifest;
    @Option(names = "--out", defaultValue = "runs/codec", description = "run folder: checkpoints, run.json, metrics.jsonl, plots (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--config", description = "a SNAC config.json (default: the small built-in config)") Path config;
    @Option(names = "--init", description = "start a fresh run from this codec checkpoint (its config and weights, e.g. from codec widen) "
            + "instead of random weights; not with --config") Path init;
    @Option(names = "--segment", defaultValue = "12288", description = "samples per segment (rounded to the pad multiple; default ${DEFAULT-VALUE})") int segment;
    @Option(names = "--eval-clips", defaultValue = "16", description = "validation clips (default ${DEFAULT-VALUE})") int evalClips;
    @Option(names = "--reseed-every", description = "re-seed the codes unused for N steps (0 = never; default: the steps in which the "
            + "coarsest level picks 16 x codebook_size codes, rounded up to whole checkpoint intervals: 700 for the default codec)")
    Integer reseedEveryOption;
    @Option(names = "--freeze-codes", description = "train the decoder only: the encoder and quantizers (so every clip's codes) stay as they are; "
            + "a run folder that froze them once must keep this flag") boolean freezeCodes;
    @Option(names = "--freeze-decoding", description = "train the encoder and in_proj only: the codebooks, out_proj and decoder (so the audio "
            + "of any code sequence) stay as they are, and the codec learns which codes to pick; a TTS model trained on its codes stays "
            + "valid; a run folder that froze them once must keep this flag") boolean freezeDecoding;
    @Option(names = "--gan", description = "also train against a multi-period discriminator (periods 2, 3, 5, 7, 11; LSGAN and "
            + "feature matching, as DAC); a run folder that used one must keep this flag") boolean ganOption;
    @Option(names = "--disc-lr", defaultValue = "1e-4", description = "the discriminator's constant learning rate (default ${DEFAULT-VALUE})")
    double discLr;
    @Option(names = "--disc-channels", split = ",", description = "the discriminator's conv widths (default 16,32,64,128,128)") int[] discChannels;
    @Option(names = "--gan-start", defaultValue = "500",
            description = "discriminator updates before its losses reach the codec (default ${DEFAULT-VALUE})") int ganStart;
    @Option(names = "--adv-weight", defaultValue = "1") float advWeight;
    @Option(names = "--feat-weight", defaultValue = "2", description = "feature-matching weight (default ${DEFAULT-VALUE}, DAC's)") float featWeight;
    @Option(names = "--mel-weight", defaultValue = "15", description = "weight of the multi-scale log-mel L1 (default ${DEFAULT-VALUE}, DAC's); "
            + "a run folder keeps the weights it started with") float melWeight;
    @Option(names = "--stft-weight", defaultValue = "1", description = "weight of the multi-resolution log-STFT L1 (default ${DEFAULT-VALUE})")
    float stftWeight;
    @Option(names = "--periodicity-weight", defaultValue = "0", description = "weight of the voice-source term: how much less periodic the "
            + "reconstruction is where a clip is voiced, and more where it is not (default ${DEFAULT-VALUE}: left out)") float periodicityWeight;
    @Option(names = "--cepstral-weight", defaultValue = "0", description = "weight of the envelope term: L1 of the mel-cepstra c1..c12 "
            + "over 133-6855 Hz, the speech band as recognisers see it (default ${DEFAULT-VALUE}: left out)") float cepstralWeight;
    @Option(names = "--recogniser-weight", defaultValue = "0", description = "weight of the recogniser's own feature distance: "
            + "pocketsphinx en-us's cepstra, deltas and delta-deltas after mean normalisation, each error in its acoustic model's "
            + "deviations (needs pocketsphinx-en-us; default ${DEFAULT-VALUE}: left out, and validated when the model is installed)")
    float recogniserWeight;
    @Option(names = "--commitment-weight", defaultValue = "0.25", description = "weight of the commitment term, which pulls the "
            + "encodings towards the codes they pick (default ${DEFAULT-VALUE}, DAC's); the codebook term keeps weight 1") float commitmentWeight;
    @Option(names = "--emphasis", paramLabel = "LOW:HIGH:GAIN", description = "weigh the spectral terms' mel bands and STFT bins from LOW to "
            + "HIGH Hz GAIN times, e.g. 1000:3000:3 (default: none)") String emphasisOption;
    @Option(names = "--extra-mel", paramLabel = "WINDOW:BANDS,...", description = "more log-mel scales in the objective, each weighted "
            + "like a default one; 'short' is DAC's 32:5,64:10,128:20, which resolve onsets (default: none; the logged mel stays the "
            + "default 256-2048 scales')") String extraMelOption;
    @Override
    public Integer call() throws Exception {
        CodecTraining.Options o = new CodecTraining.Options();
        o.out = out; o.manifest = manifest; o.config = config; o.init = init;
        o.train = training.applyTo(CodecTraining.DEFAULT_TRAIN).with(c -> { c.seqLen = segment; c.evalBatches = evalClips; });
        o.objective = new CodecObjective(melWeight, stftWeight, periodicityWeight, cepstralWeight, recogniserWeight, commitmentWeight,
                CodecObjective.parseEmphasis(emphasisOption), CodecObjective.parseMelScales(extraMelOption));
        o.reseedEvery = reseedEveryOption;
        o.freezeCodes = freezeCodes; o.freezeDecoding = freezeDecoding;
        if (ganOption) {
            if (ganStart < 0) throw new IllegalArgumentException("--gan-start must be 0 or more, not " + ganStart);
            if (!(discLr > 0)) throw new IllegalArgumentException("--disc-lr must be positive, not " + discLr);
            MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(MultiPeriodDiscriminator.PERIODS,
                    discChannels == null ? MultiPeriodDiscriminator.CHANNELS : discChannels);
            o.gan = new CodecTask.Gan(d, advWeight, featWeight, (float) discLr, 10.0, ganStart);
        }
        o.stopAfter = training.stopAfter; o.progress = !training.noProgress;
        new CodecTraining(o).run();
        return Omni.OK;
    }
}
