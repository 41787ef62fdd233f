package dev.qwenomni.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the recogniser's front end from its acoustic model folder: the filterbank and lifter from feat.params, and
 * each feature's deviation from the Gaussians in the variances file (Sphinx's binary gauden format: a text header up
 * to "endhdr", a byte-order word, the codebook, stream and density counts, each stream's length, then the floats,
 * codebook by stream by density by dimension). The deviation of a feature is the square root of its variance
 * averaged over every Gaussian: the unit in which the model weighs an error in it.
 */
public final class SphinxFrontEnd {
    /** Where Debian's pocketsphinx-en-us puts its models (the recogniser reads its language model and dictionary there too). */
    public static final Path MODELS = Path.of("/usr/share/pocketsphinx/model/en-us");
    /** The packages that bring the recogniser and its models. */
    public static final java.util.List<String> PACKAGES = java.util.List.of("pocketsphinx", "pocketsphinx-en-us");
    /** The acoustic model that pocketsphinx-en-us installs, the one the recogniser decodes with. */
    public static final Path ACOUSTIC_MODEL = MODELS.resolve("en-us");
    private static final int BYTE_ORDER_MAGIC = 0x11223344;

    private SphinxFrontEnd() {}

    /** The installed model's front end, or an error naming the package to install. */
    public static RecogniserFeatureLoss.FrontEnd installed() throws IOException {
        if (!Files.isRegularFile(ACOUSTIC_MODEL.resolve("variances")))
            throw new IOException(ACOUSTIC_MODEL.resolve("variances") + " not found: the recogniser's acoustic model comes with Debian's "
                    + "pocketsphinx-en-us (apt-get install -y " + String.join(" ", PACKAGES) + ")");
        return read(ACOUSTIC_MODEL);
    }

    /**
     * The installed model's front end for measurements that are extras: null when pocketsphinx-en-us is not installed,
     * and null with a warning naming the problem when its files cannot be read.
     */
    public static RecogniserFeatureLoss.FrontEnd installedIfReadable() {
        if (!Files.isRegularFile(ACOUSTIC_MODEL.resolve("variances"))) return null;
        try {
            return read(ACOUSTIC_MODEL);
        } catch (IOException | IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(SphinxFrontEnd.class).warn("the recogniser's feature distance is left out: {}", e.getMessage());
            return null;
        }
    }

    public static RecogniserFeatureLoss.FrontEnd read(Path modelDir) throws IOException {
        Path featParams = modelDir.resolve("feat.params");
        Map<String, String> p = params(featParams);
        // the loss computes exactly these features; another layout would silently measure something else
        require(featParams, p, "-feat", "1s_c_d_dd");
        require(featParams, p, "-transform", "dct");
        String cmn = p.getOrDefault("-cmn", "live");
        if (cmn.equals("none")) throw new IOException(featParams + ": -cmn none; the loss assumes cepstral mean normalisation");
        double low = number(featParams, p, "-lowerf", 133.33334), high = number(featParams, p, "-upperf", 6855.4976);
        int bands = (int) number(featParams, p, "-nfilt", 40), lifter = (int) number(featParams, p, "-lifter", 0);
        double[] sigma = deviations(modelDir.resolve("variances"));
        return new RecogniserFeatureLoss.FrontEnd(low, high, bands, lifter, sigma);
    }

    /** The mean variance of each feature over all Gaussians, square-rooted; the streams' features in order. */
    static double[] deviations(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int start = indexOf(b, "endhdr\n".getBytes(StandardCharsets.US_ASCII));
        if (start < 0) throw new IOException(file + ": no 'endhdr' line; not a Sphinx Gaussian parameter file");
        ByteBuffer buf = ByteBuffer.wrap(b, start, b.length - start).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 4) throw new IOException(file + ": ends after its header");
        int magic = buf.getInt();
        if (magic != BYTE_ORDER_MAGIC) {
            if (Integer.reverseBytes(magic) != BYTE_ORDER_MAGIC)
                throw new IOException(file + String.format(": byte-order word 0x%08x, expected 0x%08x", magic, BYTE_ORDER_MAGIC));
            buf.order(ByteOrder.BIG_ENDIAN);
        }
        try {
            int codebooks = buf.getInt(), streams = buf.getInt(), densities = buf.getInt();
            if (streams != 3) throw new IOException(file + ": " + streams + " feature streams, expected 3 (statics, deltas, delta-deltas)");
            int[] length = new int[streams];
            for (int s = 0; s < streams; s++) {
                length[s] = buf.getInt();
                if (length[s] != RecogniserFeatureLoss.CEPSTRA)
                    throw new IOException(file + ": stream " + s + " has " + length[s] + " features, expected " + RecogniserFeatureLoss.CEPSTRA);
            }
            int count = buf.getInt();
            long expected = (long) codebooks * densities * RecogniserFeatureLoss.FEATURES;
            if (codebooks <= 0 || densities <= 0 || count != expected)
                throw new IOException(file + ": " + count + " values for " + codebooks + " codebooks x " + densities + " densities x "
                        + RecogniserFeatureLoss.FEATURES + " features");
            double[] sum = new double[RecogniserFeatureLoss.FEATURES];
            for (int g = 0; g < codebooks; g++)
                for (int s = 0; s < streams; s++)
                    for (int d = 0; d < densities; d++)
                        for (int k = 0; k < RecogniserFeatureLoss.CEPSTRA; k++) {
                            float v = buf.getFloat();
                            if (!(v >= 0) || !Float.isFinite(v))
                                throw new IOException(file + ": codebook " + g + " stream " + s + " density " + d + " feature " + k + " has variance " + v);
                            sum[s * RecogniserFeatureLoss.CEPSTRA + k] += v;
                        }
            double[] sigma = new double[sum.length];
            for (int i = 0; i < sum.length; i++) sigma[i] = Math.sqrt(sum[i] / ((double) codebooks * densities));
            return sigma;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException(file + ": ends before the counts in its header say it should", e);
        }
    }

    private static Map<String, String> params(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + " not found");
        Map<String, String> p = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] kv = line.strip().split("\\s+", 2);
            if (kv.length == 2 && kv[0].startsWith("-")) p.put(kv[0], kv[1].strip());
        }
        return p;
    }

    private static void require(Path file, Map<String, String> p, String key, String value) throws IOException {
        if (!value.equals(p.get(key))) throw new IOException(file + ": " + key + " " + p.get(key) + ", the loss computes " + value);
    }

    private static double number(Path file, Map<String, String> p, String key, double fallback) throws IOException {
        String v = p.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": " + key + " '" + v + "' is not a number");
        }
    }

    private static int indexOf(byte[] b, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= b.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (b[i + j] != pattern[j]) continue outer;
            return i + pattern.length;
        }
        return -1;
    }
}
