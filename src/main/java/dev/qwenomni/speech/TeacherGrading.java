package dev.qwenomni.speech;

import dev.qwenomni.asr.ErrorRate;
import dev.qwenomni.asr.Recognizer;
import dev.qwenomni.data.SpeechSentences;
import dev.qwenomni.sys.SystemPackages;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How well the recogniser hears each teacher voice: renders the held-out test sentences with it
 * (cached) and scores them with the open corpus language model (the held-out sentences left out)
 * and with pocketsphinx's general one. Our own model's scores are read next to these.
 */
public final class TeacherGrading {
    /** One voice's scores; a voice whose teacher cannot be installed is skipped (the error rates NaN). */
    public record Row(String voice, boolean skipped, int clips, double werOpen, double werGeneral, double cerOpen) {}

    private TeacherGrading() {}

    /** out holds the audio cache (out/audio), the corpus LM (out/asr) and scratch files (out/work). */
    public static List<Row> grade(Path corpus, Path testList, Path out, List<String> voices, int limit, int jobs) throws Exception {
        SystemPackages.ensure("pocketsphinx", Recognizer.PACKAGES, Recognizer::available);
        List<String> all = SpeechSentences.readTestList(testList);
        List<String> test = limit > 0 ? all.subList(0, Math.min(limit, all.size())) : all;
        Path corpusLm = Recognizer.corpusLm(corpus, SpeechSentences.testKeys(testList), out.resolve("asr"));
        SpeechCache cache = new SpeechCache(out.resolve("audio"));
        Path work = out.resolve("work");
        List<Row> rows = new ArrayList<>();
        for (String id : voices) {
            Teachers.Voice v = Teachers.voice(id);
            if (!v.teacher().ensureInstalled()) { rows.add(new Row(id, true, 0, Double.NaN, Double.NaN, Double.NaN)); continue; }
            List<Path> wavs = new ArrayList<>();
            for (int c = 0; c < test.size(); c += DatasetBuilder.CHUNK)
                wavs.addAll(cache.render(v, test.subList(c, Math.min(test.size(), c + DatasetBuilder.CHUNK)), work));
            ErrorRate.Totals open = ErrorRate.score(test, new Recognizer(corpusLm, jobs).transcribe(wavs, work));
            ErrorRate.Totals gen = ErrorRate.score(test, new Recognizer(null, jobs).transcribe(wavs, work));
            rows.add(new Row(id, false, wavs.size(), open.wer(), gen.wer(), open.cer()));
        }
        return rows;
    }
}
