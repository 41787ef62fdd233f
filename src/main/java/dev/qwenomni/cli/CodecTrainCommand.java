package dev.qwenomni.cli;

import dev.qwenomni.audio.RecogniserFeatureLoss;
import dev.qwenomni.audio.SpectralLoss;
import dev.qwenomni.audio.SpectrogramImage;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.codec.CodecCheckpoint;
import dev.qwenomni.codec.CodecTask;
import dev.qwenomni.codec.MultiPeriodDiscriminator;
import dev.qwenomni.codec.NoiseSource;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.codec.SnacConfig;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.train.TrainConfig;
import dev.qwenomni.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Codec training on the speech manifest, with the same trainer as the LM. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a SNAC-style codec on the speech data (omni data build first). Resumes from OUT/checkpoints.")
public final class CodecTrainCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(CodecTrainCommand.class);

    /** The default codec: SNAC 24 kHz's layout at a quarter of its width (~1.2 GMAC less per second), 1024 codes. */
    public static final SnacConfig DEFAULT = new SnacConfig(24000, 16, new int[]{2, 4, 8, 8}, 256, new int[]{8, 8, 4, 2}, null,
            1024, 8, new int[]{4, 2, 1}, true, true);

    @Option(names = "--manifest", defaultValue = DataPaths.CACHE + "/speech/manifest.jsonl") Path manifest;
    @Option(names = "--out", defaultValue = "runs/codec") Path out;
    @Option(names = "--config", description = "a SNAC config.json (default: the small built-in config)") Path config;
    @Option(names = "--init", description = "start a fresh run from this codec checkpoint (its config and weights, e.g. from codec widen) "
            + "instead of random weights; not with --config") Path init;
    @Option(names = "--steps", defaultValue = "2000") int steps;
    @Option(names = "--batch", defaultValue = "4", description = "segments per micro-batch") int batch;
    @Option(names = "--segment", defaultValue = "12288", description = "samples per segment (rounded to the pad multiple)") int segment;
    @Option(names = "--accum", defaultValue = "1") int accum;
    @Option(names = "--lr", defaultValue = "3e-4") double lr;
    @Option(names = "--warmup", defaultValue = "50") int warmup;
    @Option(names = "--clip", defaultValue = "1000", description = "global gradient-norm clip (DAC uses 1e3)") double clip;
    @Option(names = "--eval-every", defaultValue = "100") int evalEvery;
    @Option(names = "--eval-clips", defaultValue = "16") int evalClips;
    @Option(names = "--checkpoint-every", defaultValue = "100") int checkpointEvery;
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
    @Option(names = "--stop-after", defaultValue = "2147483647") int stopAfter;
    @Option(names = "--seed", defaultValue = "7") long seed;
    @Option(names = "--no-progress") boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (init != null && config != null) throw new IllegalArgumentException("--init takes its config from " + init + ": drop --config");
        SnacCodec start = init == null ? null : CodecCheckpoint.load(init);
        SnacConfig cfg = start != null ? start.config : config == null ? DEFAULT : SnacConfig.read(config);
        SnacCodec codec = new SnacCodec(cfg);
        if (!java.nio.file.Files.isRegularFile(manifest))
            throw new IllegalArgumentException(manifest + " not found: build the speech data first (./omni data build)");
        List<ManifestEntry> entries = ManifestEntry.read(manifest);
        if (freezeCodes && freezeDecoding)
            throw new IllegalArgumentException("--freeze-codes and --freeze-decoding together would leave nothing to train: pick one");
        // a frozen phase is recorded in the run folder, so a resume cannot silently unfreeze
        Path frozenMarker = out.resolve("FROZEN_CODES"), decodingMarker = out.resolve("FROZEN_DECODING");
        refuseToUnfreeze(frozenMarker, freezeCodes, "the decoder only", "--freeze-codes");
        refuseToUnfreeze(decodingMarker, freezeDecoding, "the encoder only", "--freeze-decoding");
        if (freezeCodes) codec.freezeCodes();
        if (freezeDecoding) codec.freezeDecoding();
        CodecTask task = new CodecTask(codec, manifest, entries, segment, batch, evalClips, seed).startFrom(start)
                .withSpectralWeights(melWeight, stftWeight).withPeriodicityWeight(periodicityWeight)
                .withCepstralWeight(cepstralWeight).withCommitmentWeight(commitmentWeight);
        // the objective needs the recogniser's model; validation reports its distance whenever the model can be read
        RecogniserFeatureLoss.FrontEnd frontEnd = recogniserWeight > 0 ? dev.qwenomni.audio.SphinxFrontEnd.installed()
                : dev.qwenomni.audio.SphinxFrontEnd.installedIfReadable();
        if (frontEnd != null) task.withRecogniserFeatures(new RecogniserFeatureLoss(cfg.samplingRate(), frontEnd), recogniserWeight);
        SpectralLoss.Emphasis emphasis = parseEmphasis(emphasisOption);
        if (emphasis != null) task.withEmphasis(emphasis);
        SpectralLoss.Scale[] extraMel = parseMelScales(extraMelOption);
        if (extraMel.length > 0) task.withExtraMelScales(extraMel);
        // like the frozen codes, the discriminator is recorded in the run folder: a resume must keep the objective
        Path ganMarker = out.resolve("GAN");
        if (java.nio.file.Files.exists(ganMarker) && !ganOption)
            throw new IllegalArgumentException(out + " trains against a discriminator (" + ganMarker + "); resume it with --gan");
        if (ganOption) {
            if (ganStart < 0) throw new IllegalArgumentException("--gan-start must be 0 or more, not " + ganStart);
            if (!(discLr > 0)) throw new IllegalArgumentException("--disc-lr must be positive, not " + discLr);
            MultiPeriodDiscriminator d = new MultiPeriodDiscriminator(MultiPeriodDiscriminator.PERIODS,
                    discChannels == null ? MultiPeriodDiscriminator.CHANNELS : discChannels);
            task.withGan(new CodecTask.Gan(d, advWeight, featWeight, (float) discLr, 10.0, ganStart));
            log.info("discriminator: {} parameters, periods {}, widths {}", d.params.count(), java.util.Arrays.toString(d.periods),
                    java.util.Arrays.toString(d.channels));
        }
        // DAC's recipe: AdamW, betas (0.8, 0.99)
        TrainConfig tc = new TrainConfig(steps, batch, segment, accum, lr, warmup, 0.1, 0.01, 0.8, 0.99, 1e-8, clip,
                evalEvery, evalClips, checkpointEvery, seed, "n/a");
        int reseedEvery = reseedEveryOption != null ? reseedEveryOption : task.defaultReseedEvery(accum, Math.max(1, checkpointEvery));
        if (reseedEvery < 0) throw new IllegalArgumentException("--reseed-every must be 0 (never) or positive, not " + reseedEvery);
        if (!freezeCodes && !freezeDecoding && reseedEvery > 0) log.info("unused codes are re-seeded every {} steps", reseedEvery);
        Trainer trainer = new Trainer(task, tc, out).showProgress(!noProgress).afterStep(step -> {
            // by global step; checkpoints keep the window's counts and pools, so any of them resumes exactly
            if (reseedEvery > 0 && step % reseedEvery == 0) {
                int n = task.reseedDeadCodes();
                if (n > 0) log.info("re-seeded {} unused codes", n);
            }
        });
        log.info("codec: {} parameters, latent {} x {} codes at strides {}, {} training clips", codec.params.count(), cfg.latentDim(),
                cfg.codebookSize(), java.util.Arrays.toString(cfg.vqStrides()), entries.stream().filter(e -> e.split().equals("train")).count());
        if (freezeCodes) markFrozen(frozenMarker, trainer, "codes frozen from step {}: training the decoder only");
        if (freezeDecoding) markFrozen(decodingMarker, trainer, "decoding frozen from step {}: training the encoder and in_proj only");
        if (ganOption && !java.nio.file.Files.exists(ganMarker)) {
            if (dev.qwenomni.train.Checkpoints.latest(trainer.checkpointRoot()).isPresent())
                throw new IllegalArgumentException(out + " holds checkpoints trained without a discriminator; start a new run folder with --init");
            java.nio.file.Files.createDirectories(out);
            dev.qwenomni.sys.AtomicFiles.write(ganMarker, "multi-period discriminator\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        keepLossWeights(out, trainer.checkpointRoot(),
                new ObjectiveWeights(melWeight, stftWeight, periodicityWeight, cepstralWeight, recogniserWeight, commitmentWeight), emphasis, extraMel);
        Trainer.Summary s = trainer.run(seed, stopAfter);
        // a spectrogram of one held-out clip and its reconstruction, and the two WAVs
        ManifestEntry val = entries.stream().filter(e -> e.split().equals("val")).findFirst().orElseThrow();
        float[] x = codec.preprocess(Wav.read(val.resolve(manifest)).samples());
        float[] y = codec.decode(codec.encode(x), NoiseSource.OFF);
        SpectrogramImage.write(out.resolve("reconstruction.png"), cfg.samplingRate(), x, y);
        Wav.write(out.resolve("val_original.wav"), x, cfg.samplingRate());
        Wav.write(out.resolve("val_reconstruction.wav"), y, cfg.samplingRate());
        log.info("done: {} steps, eval {}; checkpoints in {}, plots {} and {}", s.steps(), s.eval(), trainer.checkpointRoot(),
                out.resolve("loss.png"), out.resolve("reconstruction.png"));
        return 0;
    }

    static final String LOSS_WEIGHTS = "LOSS_WEIGHTS";

    /** The weights of the objective's terms, as a run folder records them. */
    record ObjectiveWeights(float mel, float stft, float periodicity, float cepstral, float recogniser, float commitment) {
        static final ObjectiveWeights DEFAULTS = new ObjectiveWeights(CodecTask.MEL, CodecTask.STFT, 0, 0, 0, CodecTask.COMMIT);

        /** Folders from before the later terms record only the spectral pair, so the others are named only when not at their defaults. */
        String text(SpectralLoss.Emphasis emphasis, SpectralLoss.Scale[] extraMel) {
            String s = String.format(java.util.Locale.ROOT, "mel %s stft %s", mel, stft);
            if (periodicity != 0) s += String.format(java.util.Locale.ROOT, " periodicity %s", periodicity);
            if (cepstral != 0) s += String.format(java.util.Locale.ROOT, " cepstral %s", cepstral);
            if (recogniser != 0) s += String.format(java.util.Locale.ROOT, " recogniser %s", recogniser);
            if (commitment != CodecTask.COMMIT) s += String.format(java.util.Locale.ROOT, " commitment %s", commitment);
            if (emphasis != null)
                s += String.format(java.util.Locale.ROOT, " emphasis %s-%s Hz x %s", emphasis.loHz(), emphasis.hiHz(), emphasis.gain());
            if (extraMel.length > 0)
                s += " extra mel " + java.util.Arrays.stream(extraMel).map(x -> x.nfft() + ":" + x.nMels())
                        .collect(java.util.stream.Collectors.joining(","));
            return s;
        }
    }

    /**
     * The objective's weights are part of the run, so a run folder records them and a resume must ask for the same;
     * a folder with checkpoints but no record was trained at the defaults.
     */
    static void keepLossWeights(Path out, Path checkpointRoot, ObjectiveWeights weights, SpectralLoss.Emphasis emphasis,
                                    SpectralLoss.Scale[] extraMel) throws java.io.IOException {
        Path marker = out.resolve(LOSS_WEIGHTS);
        String requested = weights.text(emphasis, extraMel);
        String recorded = java.nio.file.Files.exists(marker) ? java.nio.file.Files.readString(marker).strip()
                : dev.qwenomni.train.Checkpoints.latest(checkpointRoot).isPresent()
                ? ObjectiveWeights.DEFAULTS.text(null, new SpectralLoss.Scale[0]) : null;
        if (recorded != null && !recorded.equals(requested))
            throw new IllegalArgumentException(out + " trains with loss weights " + recorded + ", not " + requested
                    + "; resume it with --mel-weight, --stft-weight, --periodicity-weight, --cepstral-weight, --recogniser-weight, "
                    + "--commitment-weight, --emphasis and --extra-mel as recorded, or start a new run folder with --init");
        if (!java.nio.file.Files.exists(marker)) {
            java.nio.file.Files.createDirectories(out);
            dev.qwenomni.sys.AtomicFiles.write(marker, (requested + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        log.info("loss weights: {}", requested);
    }

    private static void refuseToUnfreeze(Path marker, boolean flag, String what, String option) throws java.io.IOException {
        if (java.nio.file.Files.exists(marker) && !flag)
            throw new IllegalArgumentException(marker.getParent() + " trains " + what + " since step " + java.nio.file.Files.readString(marker).strip()
                    + " (" + marker + "); resume it with " + option);
    }

    private static void markFrozen(Path marker, Trainer trainer, String message) throws java.io.IOException {
        if (java.nio.file.Files.exists(marker)) return;
        int from = dev.qwenomni.train.Checkpoints.latest(trainer.checkpointRoot()).map(dev.qwenomni.train.Checkpoints::step).orElse(0);
        dev.qwenomni.sys.AtomicFiles.write(marker, (from + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        log.info(message, from);
    }

    /** "WINDOW:BANDS,..." or "short" (DAC's three short scales); empty when the option is not given. */
    static SpectralLoss.Scale[] parseMelScales(String text) {
        if (text == null) return new SpectralLoss.Scale[0];
        if (text.strip().equals("short")) return SpectralLoss.SHORT_MEL.clone();
        String[] items = text.split(",");
        SpectralLoss.Scale[] scales = new SpectralLoss.Scale[items.length];
        for (int i = 0; i < items.length; i++) {
            String[] f = items[i].strip().split(":");
            try {
                if (f.length != 2) throw new NumberFormatException();
                scales[i] = new SpectralLoss.Scale(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--extra-mel wants WINDOW:BANDS pairs separated by commas (e.g. 32:5,64:10) or 'short', not '"
                        + items[i] + "' in '" + text + "'");
            }
        }
        return scales;
    }

    /** "LOW:HIGH:GAIN" (Hz, Hz, factor), or null when the option is not given. */
    static SpectralLoss.Emphasis parseEmphasis(String text) {
        if (text == null) return null;
        String[] f = text.split(":");
        try {
            if (f.length != 3) throw new NumberFormatException();
            return new SpectralLoss.Emphasis(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--emphasis wants LOW:HIGH:GAIN (Hz, Hz, factor), e.g. 1000:3000:3, not '" + text + "'");
        }
    }
}
