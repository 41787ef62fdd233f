package dev.qwenomni.tts;

import dev.qwenomni.asr.ErrorRate;
import dev.qwenomni.asr.Recognizer;
import dev.qwenomni.audio.Wav;
import dev.qwenomni.sys.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Best-of-N judged by a listener stand-in: each candidate is transcribed and scored by its character error rate
 * against the text it was asked to say. A WER measured afterwards with the same recogniser is then no longer an
 * independent measure of intelligibility (the judge picked what it hears best), which reports must say.
 */
public final class RecogniserJudge implements BestOf.Judge {
    private final Recognizer recogniser;
    private final int sampleRate;
    private final Path workDir;
    private final String lmName;

    public RecogniserJudge(Recognizer recogniser, String lmName, int sampleRate, Path workDir) {
        this.recogniser = recogniser;
        this.lmName = lmName;
        this.sampleRate = sampleRate;
        this.workDir = workDir;
    }

    @Override
    public double[] scores(List<String> texts, List<Synthesizer.Result> candidates) throws IOException {
        Path dir = Files.createTempDirectory(Files.createDirectories(workDir), "candidates");
        List<String> heard;
        try {
            List<Path> wavs = new ArrayList<>();
            for (int k = 0; k < candidates.size(); k++) {
                Path p = dir.resolve("c" + k + ".wav");
                Wav.write(p, candidates.get(k).audio(), sampleRate);
                wavs.add(p);
            }
            heard = recogniser.transcribe(wavs, dir.resolve("asr"));
        } finally {
            FileTrees.delete(dir);
        }
        double[] s = new double[candidates.size()];
        for (int k = 0; k < s.length; k++) s[k] = ErrorRate.score(List.of(texts.get(k)), List.of(heard.get(k))).cer();
        return s;
    }

    @Override public String describe() { return "the recogniser's character error rate (pocketsphinx, " + lmName + " LM)"; }
}
