package dev.qwenomni.codec;

import dev.qwenomni.audio.RecogniserFeatureLoss;
import dev.qwenomni.audio.SphinxFrontEnd;
import dev.qwenomni.audio.SpectrogramImage;
import dev.qwenomni.audio.Wav;
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

/**
 * A codec training run on the speech manifest, with the shared trainer: DAC's recipe without the
 * GAN by default (AdamW 0.8 / 0.99, clip 1000), optional frozen parts, discriminator and extra
 * loss terms, all recorded in the run folder's run.json ({@link CodecRunRecord}). At the end it
 * writes one held-out clip and its reconstruction (WAVs and a spectrogram).
 */
public final class CodecTraining {
    private static final Logger log = LoggerFactory.getLogger(CodecTraining.class);

    /** The default codec: SNAC 24 kHz's layout at a quarter of its width (~1.2 GMAC less per second), 1024 codes. */
    public static final SnacConfig DEFAULT_CONFIG = new SnacConfig(24000, 16, new int[]{2, 4, 8, 8}, 256, new int[]{8, 8, 4, 2}, null,
            1024, 8, new int[]{4, 2, 1}, true, true);

    /**
     * `omni codec train`'s schedule: 2000 steps of 4 x 12288 samples, DAC's AdamW (betas 0.8 / 0.99,
     * decay 0.01, clip 1000), float32: bf16 convolutions cost the committed codec 22% in mel distance
     * (CodecTrainingTest, docs/research/2026-12-08-mixed-precision.md).
     */
    public static final TrainConfig DEFAULT_TRAIN = TrainConfig.defaults().with(c -> {
        c.steps = 2000; c.batch = 4; c.seqLen = 12288; c.lr = 3e-4; c.warmup = 50; c.weightDecay = 0.01; c.beta1 = 0.8; c.beta2 = 0.99;
        c.clip = 1000; c.evalEvery = 100; c.evalBatches = 16; c.checkpointEvery = 100; c.seed = 7; c.attention = "n/a";
        c.precision = "fp32";
    });

    /** The run's settings, by name; the defaults are `omni codec train`'s. */
    public static final class Options {
        public Path out = Path.of("runs/codec"), manifest;
        /** A SNAC config.json for a fresh codec (null: {@link #DEFAULT_CONFIG}); or init, a checkpoint to start from. */
        public Path config, init;
        public TrainConfig train = DEFAULT_TRAIN;
        public CodecObjective objective = CodecObjective.DEFAULT;
        /** Re-seed codes unused for this many steps (0 = never; null: the task's default). */
        public Integer reseedEvery;
        public boolean freezeCodes, freezeDecoding;
        /** A multi-period discriminator (null: none). */
        public CodecTask.Gan gan;
        public int stopAfter = Integer.MAX_VALUE;
        public boolean progress = true;
    }

    private final Options o;

    public CodecTraining(Options o) { this.o = o; }

    public Trainer.Summary run() throws IOException {
        if (o.init != null && o.config != null) throw new IllegalArgumentException("--init takes its config from " + o.init + ": drop --config");
        if (o.freezeCodes && o.freezeDecoding)
            throw new IllegalArgumentException("--freeze-codes and --freeze-decoding together would leave nothing to train: pick one");
        if (!Files.isRegularFile(o.manifest))
            throw new IllegalArgumentException(o.manifest + " not found: build the speech data first (./omni data build)");
        // the folder's record first: a resume that would change the objective stops before any audio loads
        CodecRunRecord record = CodecRunRecord.keep(o.out, o.out.resolve("checkpoints"), o.objective, o.gan != null,
                o.freezeCodes ? CodecRunRecord.CODES : o.freezeDecoding ? CodecRunRecord.DECODING : null, o.train);
        SnacCodec start = o.init == null ? null : CodecCheckpoint.load(o.init);
        SnacConfig cfg = start != null ? start.config : o.config == null ? DEFAULT_CONFIG : SnacConfig.read(o.config);
        SnacCodec codec = new SnacCodec(cfg);
        List<ManifestEntry> entries = ManifestEntry.read(o.manifest);
        if (o.freezeCodes) codec.freezeCodes();
        if (o.freezeDecoding) codec.freezeDecoding();
        TrainConfig tc = o.train;
        CodecTask task = new CodecTask(codec, o.manifest, entries, tc.seqLen(), tc.batch(), tc.evalBatches(), tc.seed()).startFrom(start);
        o.objective.applyTo(task);
        // the objective needs the recogniser's model; validation reports its distance whenever the model can be read
        RecogniserFeatureLoss.FrontEnd frontEnd = o.objective.recogniser() > 0 ? SphinxFrontEnd.installed() : SphinxFrontEnd.installedIfReadable();
        if (frontEnd != null) task.withRecogniserFeatures(new RecogniserFeatureLoss(cfg.samplingRate(), frontEnd), o.objective.recogniser());
        if (o.gan != null) {
            task.withGan(o.gan);
            MultiPeriodDiscriminator d = o.gan.discriminator();
            log.info("discriminator: {} parameters, periods {}, widths {}", d.params.count(), Arrays.toString(d.periods), Arrays.toString(d.channels));
        }
        int reseedEvery = o.reseedEvery != null ? o.reseedEvery : task.defaultReseedEvery(tc.accum(), Math.max(1, tc.checkpointEvery()));
        if (reseedEvery < 0) throw new IllegalArgumentException("--reseed-every must be 0 (never) or positive, not " + reseedEvery);
        if (!o.freezeCodes && !o.freezeDecoding && reseedEvery > 0) log.info("unused codes are re-seeded every {} steps", reseedEvery);
        Trainer trainer = new Trainer(task, tc, o.out).showProgress(o.progress).afterStep(step -> {
            // by global step; checkpoints keep the window's counts and pools, so any of them resumes exactly
            if (reseedEvery > 0 && step % reseedEvery == 0) {
                int n = task.reseedDeadCodes();
                if (n > 0) log.info("re-seeded {} unused codes", n);
            }
        });
        log.info("codec: {} parameters, latent {} x {} codes at strides {}, {} training clips", codec.params.count(), cfg.latentDim(),
                cfg.codebookSize(), Arrays.toString(cfg.vqStrides()), entries.stream().filter(e -> e.split().equals("train")).count());
        log.info("loss weights: {}", record.objective());
        if (record.frozen() != null)
            log.info("{} frozen from step {}: training the {} only", record.frozen(), record.frozenFromStep(),
                    record.frozen().equals(CodecRunRecord.CODES) ? "decoder" : "encoder and in_proj");
        Trainer.Summary s = trainer.run(tc.seed(), o.stopAfter);
        writeExample(codec, entries);
        log.info("done: {} steps, eval {}; checkpoints in {}, plots {} and {}", s.steps(), s.eval(), trainer.checkpointRoot(),
                o.out.resolve("loss.png"), o.out.resolve("reconstruction.png"));
        return s;
    }

    /** A spectrogram of one held-out clip and its reconstruction, and the two WAVs. */
    private void writeExample(SnacCodec codec, List<ManifestEntry> entries) throws IOException {
        ManifestEntry val = entries.stream().filter(e -> e.split().equals("val")).findFirst().orElse(null);
        if (val == null) return;
        int rate = codec.config.samplingRate();
        float[] x = codec.preprocess(Wav.read(val.resolve(o.manifest)).samples());
        float[] y = codec.decode(codec.encode(x), NoiseSource.OFF);
        SpectrogramImage.write(o.out.resolve("reconstruction.png"), rate, x, y);
        Wav.write(o.out.resolve("val_original.wav"), x, rate);
        Wav.write(o.out.resolve("val_reconstruction.wav"), y, rate);
    }
}
