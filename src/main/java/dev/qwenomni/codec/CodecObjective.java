package dev.qwenomni.codec;

import dev.qwenomni.audio.SpectralLoss;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a codec run optimises: the weights of its loss terms, a band emphasis and extra mel scales.
 * A run folder records it ({@link CodecRunRecord}) and a resume must ask for the same.
 */
public record CodecObjective(float mel, float stft, float periodicity, float cepstral, float recogniser, float commitment,
                             SpectralLoss.Emphasis emphasis, SpectralLoss.Scale[] extraMel) {
    /** DAC's weights: 15 x mel, 1 x STFT, 0.25 x commitment; the other terms left out. */
    public static final CodecObjective DEFAULT = new CodecObjective(CodecTask.MEL, CodecTask.STFT, 0, 0, 0, CodecTask.COMMIT, null,
            new SpectralLoss.Scale[0]);

    public CodecObjective {
        extraMel = extraMel == null ? new SpectralLoss.Scale[0] : extraMel.clone();
    }

    /**
     * The form a run folder records. Folders from before the later terms record only the spectral pair, so
     * the others are named only when not at their defaults.
     */
    public String text() {
        String s = String.format(Locale.ROOT, "mel %s stft %s", mel, stft);
        if (periodicity != 0) s += String.format(Locale.ROOT, " periodicity %s", periodicity);
        if (cepstral != 0) s += String.format(Locale.ROOT, " cepstral %s", cepstral);
        if (recogniser != 0) s += String.format(Locale.ROOT, " recogniser %s", recogniser);
        if (commitment != CodecTask.COMMIT) s += String.format(Locale.ROOT, " commitment %s", commitment);
        if (emphasis != null) s += String.format(Locale.ROOT, " emphasis %s-%s Hz x %s", emphasis.loHz(), emphasis.hiHz(), emphasis.gain());
        if (extraMel.length > 0) s += " extra mel " + Arrays.stream(extraMel).map(x -> x.nfft() + ":" + x.nMels()).collect(Collectors.joining(","));
        return s;
    }

    /** The task's objective set to these weights. */
    void applyTo(CodecTask task) {
        task.withSpectralWeights(mel, stft).withPeriodicityWeight(periodicity).withCepstralWeight(cepstral).withCommitmentWeight(commitment);
        if (emphasis != null) task.withEmphasis(emphasis);
        if (extraMel.length > 0) task.withExtraMelScales(extraMel);
    }

    /** "WINDOW:BANDS,..." or "short" (DAC's three short scales); empty for null. */
    public static SpectralLoss.Scale[] parseMelScales(String text) {
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

    /** "LOW:HIGH:GAIN" (Hz, Hz, factor); null for null. */
    public static SpectralLoss.Emphasis parseEmphasis(String text) {
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
