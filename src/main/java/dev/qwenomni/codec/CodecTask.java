package dev.qwenomni.codec;

import dev.qwenomni.audio.CepstralLoss;
import dev.qwenomni.audio.PeriodicityLoss;
import dev.qwenomni.audio.RecogniserFeatureLoss;
import dev.qwenomni.audio.SpectralLoss;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.speech.ManifestEntry;
import dev.qwenomni.tensor.ParamStore;
import dev.qwenomni.train.TrainTask;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Codec training on speech clips: random fixed-length segments; loss = 15 * multi-scale mel L1
 * + 1 * multi-resolution STFT L1 (by default; {@link #withSpectralWeights}) + 0.25 * commitment ({@link #withCommitmentWeight})
 * + 1 * codebook
 * (the DAC/SNAC recipe without the GAN, which {@link #withGan} adds; {@link #withPeriodicityWeight} adds a voice-source term, {@link #withCepstralWeight} an envelope term, {@link #withRecogniserFeatures} the recogniser's own feature distance). Codebook usage is counted per level; unused codes are re-seeded from batch encodings.
 */
public final class CodecTask implements TrainTask {
    public static final float MEL = 15f, STFT = 1f, COMMIT = 0.25f, CODEBOOK = 1f;

    private final SnacCodec codec;
    private final List<float[]> train = new ArrayList<>(), val = new ArrayList<>();
    private final int segment, batch, evalClips;
    private final long seed;
    private SpectralLoss spectral;
    private SpectralLoss.Emphasis emphasis;
    private SpectralLoss.Scale[] extraMel = new SpectralLoss.Scale[0];
    private final PeriodicityLoss periodicity;
    private final CepstralLoss cepstral;
    private RecogniserFeatureLoss recogniser;
    private final long[][] usage;
    private int[] order;
    private long epoch;
    private int index;
    private SnacCodec start;
    private Gan gan;
    private float melWeight = MEL, stftWeight = STFT, periodicityWeight = 0, cepstralWeight = 0, recogniserWeight = 0;
    private float commitWeight = COMMIT;

    /** The adversarial part of the objective: DAC's weights (adversarial 1, feature matching 2) by default. */
    public record Gan(MultiPeriodDiscriminator discriminator, float adversarial, float featureMatching, float lr, double clip, int start) {}
    static final String DISCRIMINATOR = "discriminator.safetensors";

    public CodecTask(SnacCodec codec, Path manifest, List<ManifestEntry> entries, int segment, int batch, int evalClips, long seed)
            throws IOException {
        this.codec = codec;
        int m = codec.config.padMultiple();
        this.segment = Math.max(m, segment / m * m);
        this.batch = batch;
        this.evalClips = evalClips;
        this.seed = seed;
        this.spectral = new SpectralLoss(codec.config.samplingRate());
        this.periodicity = new PeriodicityLoss(codec.config.samplingRate());
        this.cepstral = new CepstralLoss(codec.config.samplingRate());
        requireHeapFor(manifest, entries, codec.config.samplingRate(), Runtime.getRuntime().maxMemory());
        for (ManifestEntry e : entries) {
            if (!loaded(e)) continue;
            (e.split().equals("train") ? train : val).add(readClip(manifest, e, codec.config.samplingRate()));
        }
        if (train.isEmpty() || val.isEmpty()) throw new IOException(manifest + ": needs train and val clips");
        usage = new long[codec.quantizers.size()][codec.config.codebookSize()];
        shuffle();
    }

    /** A manifest clip's samples, refused (naming the file) unless it is at the codec's rate. */
    public static float[] readClip(Path manifest, ManifestEntry e, int samplingRate) throws IOException {
        Wav.Audio a = Wav.read(e.resolve(manifest));
        if (a.sampleRate() != samplingRate)
            throw new IOException(e.resolve(manifest) + ": " + a.sampleRate() + " Hz, the codec runs at " + samplingRate);
        return a.samples();
    }

    /** Only train and val clips are read: never the held-out test clips. */
    private static boolean loaded(ManifestEntry e) { return e.split().equals("train") || e.split().equals("val"); }

    /**
     * The training and validation clips are held in memory as floats, so a large manifest must fail
     * up front with the fix, not minutes later with an OutOfMemoryError.
     */
    static void requireHeapFor(Path manifest, List<ManifestEntry> entries, int sampleRate, long maxHeap) {
        double seconds = entries.stream().filter(CodecTask::loaded).mapToDouble(ManifestEntry::duration).sum();
        long needed = (long) (seconds * sampleRate * Float.BYTES);
        // leave room for the model, optimizer state, batches and the loss's buffers
        if (needed > 0.7 * maxHeap)
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s: %.1f h of train/val audio takes %.1f GiB as floats, more than 70%% of the %.1f GiB Java heap; "
                            + "raise it (OMNI_XMX=%dg ./omni ...) or train on a smaller manifest",
                    manifest, seconds / 3600, needed / 1073741824.0, maxHeap / 1073741824.0, (long) Math.ceil(needed / 0.7 / 1073741824.0)));
    }

    private void shuffle() { order = dev.qwenomni.data.Shuffle.permutation(train.size(), seed * 31 + epoch); }

    /** A segment of the clip, starting at offset (zero-padded past the end). */
    private float[] cut(float[] clip, int offset) {
        float[] x = new float[segment];
        System.arraycopy(clip, offset, x, 0, Math.max(0, Math.min(segment, clip.length - offset)));
        return x;
    }

    @Override public ParamStore params() { return codec.params; }
    @Override
    public void initialize(long s) {
        if (start == null) codec.initialize(s);
        else codec.copyWeights(start, name -> true);
        if (gan != null) gan.discriminator().initialize(s * 0x9E3779B97F4A7C15L + 1);
    }

    /**
     * Trains against this discriminator too. It updates once per micro-batch from that batch's pairs, at its own
     * constant learning rate; the generator's adversarial and feature-matching losses join only after the
     * discriminator's first {@code start} updates, so a codec trained without one is not pushed around by a random one.
     */
    public CodecTask withGan(Gan g) {
        this.gan = g;
        return this;
    }

    /**
     * Weighs the two spectral terms otherwise (default {@link #MEL} and {@link #STFT}). The mel term compares log10
     * magnitudes of bands that widen with frequency; the STFT term compares natural-log magnitudes bin by bin, so it
     * also sees the valleys between harmonics that noise fills.
     */
    public CodecTask withSpectralWeights(float mel, float stft) {
        if (!(mel >= 0) || !(stft >= 0) || mel + stft == 0)
            throw new IllegalArgumentException("spectral loss weights must be 0 or more and not both 0, not mel " + mel + ", stft " + stft);
        this.melWeight = mel;
        this.stftWeight = stft;
        return this;
    }

    /**
     * Weighs the commitment term otherwise (default {@link #COMMIT}): how hard the encoder is pulled towards the codes
     * it picks. The codebook term, which pulls the codes towards the encodings, keeps its weight.
     */
    public CodecTask withCommitmentWeight(float w) {
        if (!(w >= 0) || Float.isInfinite(w)) throw new IllegalArgumentException("commitment weight must be 0 or more and finite, not " + w);
        this.commitWeight = w;
        return this;
    }

    /**
     * Adds the voice-source term ({@link PeriodicityLoss}: the reconstruction should be as periodic as the clip, no
     * less where it is voiced and no more where it is not) at this weight; 0, the default, leaves it out of the objective (validation still reports it).
     */
    public CodecTask withPeriodicityWeight(float w) {
        if (!(w >= 0)) throw new IllegalArgumentException("periodicity loss weight must be 0 or more, not " + w);
        this.periodicityWeight = w;
        return this;
    }

    /**
     * Adds the envelope term ({@link CepstralLoss}: L1 of the mel-cepstra c1..c12 over the speech band, as recognisers
     * and MCD see speech) at this weight; 0, the default, leaves it out of the objective (validation still reports it).
     */
    public CodecTask withCepstralWeight(float w) {
        if (!(w >= 0)) throw new IllegalArgumentException("cepstral loss weight must be 0 or more, not " + w);
        this.cepstralWeight = w;
        return this;
    }

    /**
     * Measures the recogniser's feature distance ({@link RecogniserFeatureLoss}: its own cepstra, deltas and
     * delta-deltas after mean normalisation, each in its acoustic model's deviations) in validation, and adds it to the
     * objective at this weight when it is above 0.
     */
    public CodecTask withRecogniserFeatures(RecogniserFeatureLoss loss, float w) {
        if (!(w >= 0)) throw new IllegalArgumentException("recogniser feature loss weight must be 0 or more, not " + w);
        this.recogniser = loss;
        this.recogniserWeight = w;
        return this;
    }

    /**
     * Weighs the spectral terms' bands inside a frequency range more ({@link SpectralLoss.Emphasis}); the logged mel and
     * stft stay unweighted, the loss is the emphasised objective.
     */
    public CodecTask withEmphasis(SpectralLoss.Emphasis e) {
        this.emphasis = e;
        this.spectral = new SpectralLoss(codec.config.samplingRate(), SpectralLoss.DYNAMIC_RANGE_DB, emphasis, extraMel);
        return this;
    }

    /** Adds mel scales to the objective (e.g. {@link SpectralLoss#SHORT_MEL}); the logged mel stays the default scales'. */
    public CodecTask withExtraMelScales(SpectralLoss.Scale[] scales) {
        this.extraMel = scales.clone();
        this.spectral = new SpectralLoss(codec.config.samplingRate(), SpectralLoss.DYNAMIC_RANGE_DB, emphasis, extraMel);
        return this;
    }

    /** A fresh run starts from these weights (same config) instead of a random init; a resume ignores them. */
    public CodecTask startFrom(SnacCodec weights) {
        this.start = weights;
        return this;
    }
    @Override public long unitsPerStep() { return (long) segment * batch; }
    @Override public String unitName() { return "sample"; }

    // mel and STFT L1 and the other terms under their weights: not a cross-entropy
    @Override public String lossUnit() { return "weighted sum of the codec's terms"; }

    @Override
    public Map<String, Double> step(float gradScale) {
        double mel = 0, stft = 0, melObj = 0, stftObj = 0, per = 0, cep = 0, rec = 0, vq = 0, dLoss = 0, adv = 0, feat = 0;
        float scale = gradScale / batch;
        boolean generatorAdversarial = gan != null && gan.discriminator().steps() >= gan.start();
        for (int b = 0; b < batch; b++) {
            if (index == order.length) { epoch++; index = 0; shuffle(); }
            float[] clip = train.get(order[index]);
            SplittableRandom r = new SplittableRandom(seed ^ (epoch * 1_000_003L + index));
            index++;
            float[] x = cut(clip, clip.length > segment ? r.nextInt(clip.length - segment) : 0);
            float[] y = codec.trainForward(x, NoiseSource.seeded(r.nextLong()));
            float[] dy = new float[y.length];
            SpectralLoss.Value v = spectral.compute(y, x, dy, melWeight * scale, stftWeight * scale);
            if (periodicityWeight > 0) per += periodicity.compute(y, x, dy, periodicityWeight * scale).loss() / batch;
            if (cepstralWeight > 0) cep += cepstral.compute(y, x, dy, cepstralWeight * scale) / batch;
            if (recogniserWeight > 0) rec += recogniser.compute(y, x, dy, recogniserWeight * scale) / batch;
            if (gan != null) {
                MultiPeriodDiscriminator d = gan.discriminator();
                MultiPeriodDiscriminator.Passes real = d.forward(x), fake = d.forward(y);
                if (generatorAdversarial) {
                    // through the discriminator as it was before this batch's update
                    MultiPeriodDiscriminator.Losses l = d.generatorLosses(real, fake, gan.adversarial(), gan.featureMatching());
                    float[] g = l.generatorGrad();
                    for (int i = 0; i < dy.length; i++) dy[i] += scale * g[i];
                    adv += l.adversarial() / batch;
                    feat += l.featureMatching() / batch;
                }
                dLoss += d.accumulateDiscriminatorGrads(real, fake, 1f / batch) / batch;
            }
            codec.trainBackward(dy, commitWeight * scale, CODEBOOK * scale);
            mel += v.mel() / batch;
            stft += v.stft() / batch;
            melObj += v.melObjective() / batch;
            stftObj += v.stftObjective() / batch;
            vq += codec.vqLoss() / batch;
            for (int l = 0; l < usage.length; l++) for (int c : codec.quantizers.get(l).lastCodes()) usage[l][c]++;
        }
        // the discriminator steps here, once per micro-batch; the codec's own step is the trainer's
        double discNorm = gan == null ? 0 : gan.discriminator().update(gan.lr(), gan.clip());
        Map<String, Double> m = new LinkedHashMap<>();
        double adversarial = gan == null ? 0 : gan.adversarial() * adv + gan.featureMatching() * feat;
        m.put("loss", melWeight * melObj + stftWeight * stftObj + periodicityWeight * per + cepstralWeight * cep + recogniserWeight * rec
                + (commitWeight + CODEBOOK) * vq + adversarial);
        m.put("mel", mel);
        m.put("stft", stft);
        if (periodicityWeight > 0) m.put("periodicity", per);
        if (cepstralWeight > 0) m.put("cepstral", cep);
        if (recogniserWeight > 0) m.put("recogniser", rec);
        m.put("vq", vq);
        if (gan != null) {
            m.put("disc_grad_norm", discNorm);
            m.put("disc", dLoss);
            if (generatorAdversarial) {
                m.put("adv", adv);
                m.put("feat", feat);
            }
        }
        return m;
    }

    /**
     * How many codes the coarsest level must pick, per code of its book, before an unpicked code counts as dead.
     * Measured on our codec after 7000 steps: in a 50-step window (1200 coarse picks) about 580 codes of the three
     * levels went unpicked and were re-seeded every time, though over 1000 steps only 3-7 are; the rare codes were
     * alive, and re-seeding them threw away what the decoder had learned of them.
     */
    public static final int PICKS_PER_CODE = 16;

    /** The default re-seed interval: the steps in which the coarsest level picks PICKS_PER_CODE x codebook_size codes, rounded up to a multiple of {@code multiple}. */
    public int defaultReseedEvery(int accum, int multiple) {
        SnacConfig c = codec.config;
        long picksPerStep = (long) segment / c.hopLength() / c.vqStrides()[0] * batch * accum;
        long steps = Math.max(1, ((long) PICKS_PER_CODE * c.codebookSize() + picksPerStep - 1) / picksPerStep);
        return (int) Math.min(Integer.MAX_VALUE, (steps + multiple - 1) / multiple * multiple);
    }

    /** Re-seeds the codes no training segment has used since the last call; returns how many (none while the codes or the decoding are frozen). */
    public int reseedDeadCodes() {
        if (codec.codesFrozen() || codec.decodingFrozen()) return 0;
        int n = 0;
        SplittableRandom r = new SplittableRandom(seed ^ epoch ^ ((long) index << 20));
        for (int l = 0; l < usage.length; l++) {
            n += codec.quantizers.get(l).reseedDead(usage[l], new java.util.Random(r.nextLong()));
            java.util.Arrays.fill(usage[l], 0);
        }
        return n;
    }

    @Override
    public Map<String, Double> evaluate() {
        double mel = 0, stft = 0, melObj = 0, stftObj = 0, per = 0, cep = 0, rec = 0;
        int n = Math.min(evalClips, val.size());
        long[][] counts = new long[codec.quantizers.size()][codec.config.codebookSize()];
        for (int i = 0; i < n; i++) {
            float[] x = cut(val.get(i), 0);
            float[] y = codec.reconstruct(x, NoiseSource.OFF);
            SpectralLoss.Value v = spectral.compute(y, x, null, 0, 0);
            mel += v.mel() / n;
            stft += v.stft() / n;
            melObj += v.melObjective() / n;
            stftObj += v.stftObjective() / n;
            per += periodicity.compute(y, x, null, 0).loss() / n;
            cep += cepstral.compute(y, x, null, 0) / n;
            if (recogniser != null) rec += recogniser.compute(y, x, null, 0) / n;
            for (int l = 0; l < counts.length; l++) for (int c : codec.quantizers.get(l).lastCodes()) counts[l][c]++;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val_loss", melWeight * melObj + stftWeight * stftObj + periodicityWeight * per + cepstralWeight * cep + recogniserWeight * rec);
        m.put("val_mel", mel);
        m.put("val_stft", stft);
        m.put("val_periodicity", per);
        m.put("val_cepstral", cep);
        if (recogniser != null) m.put("val_recogniser", rec);
        for (int l = 0; l < counts.length; l++) m.put("codebook_perplexity_" + l, perplexity(counts[l]));
        return m;
    }

    /** exp(entropy) of the code histogram: how many codes are effectively in use. */
    public static double perplexity(long[] counts) {
        long total = 0;
        for (long c : counts) total += c;
        double h = 0;
        for (long c : counts) if (c > 0) { double p = (double) c / total; h -= p * Math.log(p); }
        return Math.exp(h);
    }

    /** Beside the codec in a training checkpoint: the code counts and encoding pools of the re-seed window under way. */
    static final String RESEED_STATE = "reseed_state.safetensors";

    @Override
    public void saveModel(Path dir) throws IOException {
        CodecCheckpoint.save(codec, dir);
        // counts as decimal text in the metadata: exact, where float32 would round above 2^24
        Map<String, dev.qwenomni.io.SafeTensors.Entry> pools = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (int l = 0; l < usage.length; l++) {
            VectorQuantizer q = codec.quantizers.get(l);
            pools.put("level" + l + ".pool", new dev.qwenomni.io.SafeTensors.Entry(new long[]{VectorQuantizer.RESERVOIR, q.codebookDim},
                    java.lang.foreign.MemorySegment.ofArray(q.reseedPool())));
            meta.put("level" + l + ".seen", Long.toString(q.reseedSeen()));
            meta.put("level" + l + ".usage", java.util.Arrays.stream(usage[l]).mapToObj(Long::toString)
                    .collect(java.util.stream.Collectors.joining(",")));
        }
        dev.qwenomni.io.SafeTensors.writeF32(dir.resolve(RESEED_STATE), pools, meta);
        if (gan != null) gan.discriminator().save(dir.resolve(DISCRIMINATOR));
    }

    @Override
    public void loadModel(Path dir) throws IOException {
        SnacConfig saved = SnacConfig.read(dir.resolve("config.json"));
        if (!java.util.Objects.equals(CodecCheckpoint.configJson(saved), CodecCheckpoint.configJson(codec.config)))
            throw new IOException(dir + "/config.json: the checkpoint's codec config differs from the requested one");
        try (var r = dev.qwenomni.io.SafeTensors.open(dir.resolve("model.safetensors"))) {
            CodecCheckpoint.loadWeights(codec, r, "");
        }
        if (gan != null) {
            Path d = dir.resolve(DISCRIMINATOR);
            if (!java.nio.file.Files.exists(d))
                throw new IOException(dir + " has no " + DISCRIMINATOR + ": it was trained without a discriminator; "
                        + "start a new run folder from it with --init instead");
            gan.discriminator().load(d);
        }
        Path state = dir.resolve(RESEED_STATE);
        if (!java.nio.file.Files.exists(state)) {
            // checkpoints from before the window was saved: start a fresh window here
            for (int l = 0; l < usage.length; l++) {
                java.util.Arrays.fill(usage[l], 0);
                VectorQuantizer q = codec.quantizers.get(l);
                q.restoreReseedPool(new float[VectorQuantizer.RESERVOIR * q.codebookDim], 0);
            }
            return;
        }
        try (var r = dev.qwenomni.io.SafeTensors.open(state)) {
            for (int l = 0; l < usage.length; l++) {
                String key = "level" + l;
                String seen = r.metadata().get(key + ".seen"), counts = r.metadata().get(key + ".usage");
                if (seen == null || counts == null || !r.has(key + ".pool"))
                    throw new IOException(state + ": no re-seed state for quantizer level " + l);
                String[] parts = counts.isEmpty() ? new String[0] : counts.split(",");
                if (parts.length != usage[l].length)
                    throw new IOException(state + ": " + key + ".usage has " + parts.length + " counts, the codebook " + usage[l].length + " codes");
                try {
                    for (int c = 0; c < parts.length; c++) usage[l][c] = Long.parseLong(parts[c]);
                    codec.quantizers.get(l).restoreReseedPool(r.floats(key + ".pool"), Long.parseLong(seen));
                } catch (IllegalArgumentException e) {
                    throw new IOException(state + ": " + key + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override public long dataEpoch() { return epoch; }
    @Override public int dataIndex() { return index; }

    @Override
    public void seek(long e, int i) {
        epoch = e;
        index = i;
        shuffle();
    }
}
