package dev.qwenomni.cli;

import dev.qwenomni.model.DecodeAttention;
import dev.qwenomni.nn.ConvKernel;
import dev.qwenomni.tts.BestOf;
import dev.qwenomni.tts.Speaker;
import dev.qwenomni.tts.Synthesizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Text in, 24 kHz WAV out, from the committed (or any) TTS and codec checkpoints. */
@Command(name = "speak", mixinStandardHelpOptions = true,
        description = "Synthesise speech: text (argument, --file, or stdin) -> WAV. Long text is split at sentence ends.")
public final class SpeakCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(arity = "0..1", description = "the text (default: --file, else standard input)") String text;
    @Option(names = "--file", description = "read the text from this file") Path file;
    @Option(names = {"-o", "--out"}, defaultValue = "speech.wav", description = "output WAV (default ${DEFAULT-VALUE})") Path out;
    @Option(names = "--model", defaultValue = DataPaths.TTS, description = "TTS LM checkpoint (default ${DEFAULT-VALUE})") Path model;
    @Option(names = "--codec", defaultValue = DataPaths.CODEC, description = "codec checkpoint (default ${DEFAULT-VALUE})") Path codec;
    @Option(names = "--voice", description = "voice (default: the checkpoint's)") String voice;
    @Option(names = "--stream", description = "write audio as frames are generated (sentences one after another)") boolean stream;
    @Mixin SamplingOptions sampling;
    @Option(names = "--decode-attention", defaultValue = "scan", description = "decode kernel: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    DecodeAttention.Kind decodeAttention;
    @Option(names = "--cache", defaultValue = DataPaths.CACHE, description = "phoneme cache folder (default ${DEFAULT-VALUE})") Path cache;
    @Option(names = "--candidates", defaultValue = "1", description = "renderings sampled per sentence, of which --judge keeps one "
            + "(candidate j uses seed + j * sentences + i, so candidate 0 is the single sample; default ${DEFAULT-VALUE})") int candidates;
    @Option(names = "--judge", defaultValue = "likelihood", description = "how the best candidate is chosen: likelihood (the LM's own mean "
            + "log-probability) or recogniser (pocketsphinx's character error rate against the text, general LM; default ${DEFAULT-VALUE})")
    BestOf.JudgeKind judge;
    /**
     * Direct by default: OpenBLAS picks its sgemm kernel by the matrix shape, so with the gemm kernel a streaming window
     * (narrower than the whole clip) rounds some sums differently, and with the committed codec that flipped 71 of
     * 140 k 16-bit samples by one step. The direct loops give the same bits in any window; the decode costs about 5x
     * more (real-time factor 0.19 against 0.04 for the default codec; docs/tts.md).
     */
    @Option(names = "--conv-kernel", defaultValue = "direct", description = "the codec's dense conv kernel: direct (streamed audio "
            + "equals the one-shot audio bit for bit) or gemm (faster decode; a streamed sample may differ by one step)")
    ConvKernel convKernel;

    @Override
    public Integer call() throws Exception {
        String input = text != null ? text : file != null ? Files.readString(file, StandardCharsets.UTF_8)
                : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        if (input.isBlank()) throw new IllegalArgumentException("no text to speak");
        Speaker.check(stream, candidates);
        Synthesizer s = Synthesizer.load(model, codec, decodeAttention, cache.resolve("phonemes"));
        s.codec.useConvKernel(convKernel);
        BestOf.Judge chooser = candidates > 1 ? judge.judge(s.sampleRate()) : BestOf.LIKELIHOOD;
        Speaker.Spoken r = new Speaker(s).speak(input, out, voice, sampling.config(), stream, candidates, chooser);
        for (int i = 0; i < r.picks().size(); i++) spec.commandLine().getOut().printf(Locale.ROOT, "sentence %d: %s%n", i + 1, r.picks().get(i));
        spec.commandLine().getOut().printf(Locale.ROOT, "%s: %.2f s of audio, %d sentence(s), %.2f s to generate (real-time factor %.2f), time to first audio %.2f s%s%n",
                out, r.audioSeconds(), r.sentences(), r.seconds(), r.realTimeFactor(), r.firstAudioSeconds(),
                r.unfinished() > 0 ? "; " + r.unfinished() + " sentence(s) hit the length cap without end_of_speech" : "");
        return Omni.OK;
    }
}
