package dev.qwenomni.cli;

import dev.qwenomni.model.SamplingConfig;
import picocli.CommandLine.Option;

/** How speech tokens are sampled: the options speak and tts eval share. */
public final class SamplingOptions {
    @Option(names = "--temperature", defaultValue = SamplingConfig.SPEECH_TEMPERATURE, description = "sampling temperature (default ${DEFAULT-VALUE})")
    double temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "sample among the k likeliest tokens (0 = all; default ${DEFAULT-VALUE})") int topK;
    @Option(names = "--top-p", defaultValue = "0.9", description = "nucleus: the likeliest tokens up to this much probability (default ${DEFAULT-VALUE})")
    double topP;
    @Option(names = "--repetition-penalty", defaultValue = "1.1", description = "divides the logits of tokens already said (default ${DEFAULT-VALUE})")
    double repetitionPenalty;
    @Option(names = "--repetition-window", defaultValue = "0", description = "tokens the penalty looks back over (0 = all; default ${DEFAULT-VALUE})")
    int repetitionWindow;
    @Option(names = "--seed", defaultValue = "1", description = "text i of a batch samples (and draws the codec's noise) with seed + i "
            + "(default ${DEFAULT-VALUE})") long seed;

    SamplingConfig config() {
        return new SamplingConfig(temperature, topK, topP, repetitionPenalty, repetitionWindow, seed);
    }
}
