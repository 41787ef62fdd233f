package dev.qwenomni.cli;

import dev.qwenomni.asr.ErrorRate;
import dev.qwenomni.asr.Recognizer;
import dev.qwenomni.audio.MelCepstrum;
import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.data.SpeechSentences;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Recognise a WAV and, given its text, score WER and CER; optionally MCD against a reference WAV. */
@Command(name = "asr", mixinStandardHelpOptions = true, description = "Transcribe a WAV with PocketSphinx; with --text, report WER/CER.")
public final class AsrCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", description = "WAV file (any rate, mono or mixed down)") Path wav;
    @Option(names = "--text", description = "the words spoken, for WER/CER") String text;
    @Option(names = "--lm", defaultValue = "general", description = "general (en-us) or corpus (our trigram, test sentences left out)") String lm;
    @Option(names = "--reference", description = "another rendering of the same sentence: report mel-cepstral distortion (DTW)") Path reference;
    @Option(names = "--corpus", defaultValue = DataPaths.CORPUS) Path kjv;
    @Option(names = "--test-list", defaultValue = DataPaths.TEST_LIST) Path testList;
    @Option(names = "--cache", defaultValue = DataPaths.CACHE + "/speech/asr") Path cache;

    @Override
    public Integer call() throws Exception {
        dev.qwenomni.sys.SystemPackages.ensure("pocketsphinx", Recognizer.PACKAGES, Recognizer::available);
        Path lmFile = switch (lm) {
            case "general" -> null;
            case "corpus" -> Recognizer.corpusLm(kjv, SpeechSentences.testKeys(testList), cache);
            default -> throw new IllegalArgumentException("--lm must be general or corpus, not '" + lm + "'");
        };
        String hyp = new Recognizer(lmFile, 1).transcribe(List.of(wav), cache.resolve("work")).get(0);
        spec.commandLine().getOut().println("hypothesis: " + hyp);
        if (text != null) {
            ErrorRate.Totals t = ErrorRate.score(List.of(text), List.of(hyp));
            spec.commandLine().getOut().printf(Locale.ROOT, "WER %.1f%% (%d/%d words), CER %.1f%%%n", 100 * t.wer(), t.wordEdits(), t.words(), 100 * t.cer());
        }
        if (reference != null) {
            Wav.Audio a = Wav.read(wav), b = Wav.read(reference);
            float[] bs = Resampler.resample(b.samples(), b.sampleRate(), a.sampleRate());
            spec.commandLine().getOut().printf(Locale.ROOT, "MCD %.2f dB%n", new MelCepstrum(a.sampleRate()).mcd(a.samples(), bs));
        }
        return 0;
    }
}
