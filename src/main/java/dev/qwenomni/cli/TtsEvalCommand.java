package dev.qwenomni.cli;

import dev.qwenomni.tts.BestOf;
import dev.qwenomni.tts.TtsEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `omni tts eval`: options to {@link TtsEvaluation}, its report to the terminal. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Synthesise held-out test sentences and score them against the teacher (WER, MCD, RTF); writes a Markdown report.")
final class TtsEvalCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--model", defaultValue = DataPaths.TTS) Path model;
    @Option(names = "--codec", defaultValue = DataPaths.CODEC) Path codec;
    @Option(names = "--manifest", defaultValue = DataPaths.CACHE + "/speech-rms20/manifest.jsonl", description = "held-out clips of the teacher (default ${DEFAULT-VALUE})") Path manifest;
    @Option(names = "--voice", description = "voice (default: the checkpoint's)") String voice;
    @Option(names = "--limit", defaultValue = "0", description = "first N test sentences of the voice, or lines of --sentences (0 = all)") int limit;
    @Option(names = "--batch", defaultValue = "8", description = "sentences generated together") int batch;
    @Option(names = "--out", defaultValue = "runs/tts-eval", description = "report folder (default ${DEFAULT-VALUE})") Path out;
    @Option(names = "--examples", defaultValue = "4", description = "WAV pairs and spectrograms in the report") int examples;
    @Option(names = "--corpus", defaultValue = DataPaths.CORPUS) Path kjv;
    @Option(names = "--test-list", defaultValue = DataPaths.TEST_LIST) Path testList;
    @Option(names = "--cache", defaultValue = DataPaths.CACHE) Path cache;
    @Option(names = "--jobs", defaultValue = "2") int jobs;
    @Option(names = "--sentences", description = "score these sentences (a text file, one per line) instead of the held-out test clips: "
            + "the teacher renders them here, and the recogniser uses its general en-us language model, since the corpus model "
            + "knows only the corpus (e.g. data/eval/harvard-1-5.txt)") Path sentences;

    @Option(names = "--candidates", defaultValue = "1", description = "renderings sampled per sentence, of which --judge keeps one (default ${DEFAULT-VALUE})")
    int candidates;
    @Option(names = "--judge", defaultValue = "likelihood", description = "likelihood or recogniser (pocketsphinx with its general LM; "
            + "the WER reported then is not independent of the choice; default ${DEFAULT-VALUE})") BestOf.JudgeKind judge;
    @Mixin SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        TtsEvaluation.Options o = new TtsEvaluation.Options();
        o.model = model; o.codec = codec; o.manifest = manifest; o.voice = voice; o.limit = limit; o.batch = batch; o.out = out;
        o.examples = examples; o.corpus = kjv; o.testList = testList; o.cache = cache; o.jobs = jobs; o.candidates = candidates; o.judge = judge;
        o.sentences = sentences == null ? null : TtsEvaluation.readSentences(sentences);
        o.sentencesFrom = sentences;
        o.sampling = sampling.config();
        TtsEvaluation.Report r = new TtsEvaluation(o).run();
        spec.commandLine().getOut().print(r.markdown());
        spec.commandLine().getOut().println("report: " + r.reportFile() + "; what the recogniser heard: " + r.transcripts());
        return Omni.OK;
    }
}
