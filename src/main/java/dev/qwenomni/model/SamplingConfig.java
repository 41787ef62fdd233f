package dev.qwenomni.model;

/**
 * How the next token is drawn. temperature 0 is greedy; topK 0 and topP 1 switch those cuts off;
 * repetitionPenalty 1 is none (HF's rule: a positive logit of a token seen in the last
 * repetitionWindow tokens is divided by it, a negative one multiplied; window 0 = all).
 */
public record SamplingConfig(double temperature, int topK, double topP, double repetitionPenalty, int repetitionWindow, long seed) {
    /** Orpheus servers' middle settings (specs/qwen3.md): temperature 0.6, top-p 0.9, penalty 1.1. */
    public static final SamplingConfig ORPHEUS = new SamplingConfig(0.6, 0, 0.9, 1.1, 0, 1);
    /** speak's and tts eval's temperature: 0.3 beat 0.6 with our model on the 50-sentence eval (docs/research/tts.md). */
    public static final String SPEECH_TEMPERATURE = "0.3";
    /** speak's defaults: Orpheus's settings at our temperature. */
    public static final SamplingConfig SPEECH = new SamplingConfig(Double.parseDouble(SPEECH_TEMPERATURE), 0, 0.9, 1.1, 0, 1);

    public SamplingConfig {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(repetitionPenalty >= 1)) throw new IllegalArgumentException("repetition penalty must be >= 1, got " + repetitionPenalty);
        if (repetitionWindow < 0) throw new IllegalArgumentException("repetition window must be >= 0, got " + repetitionWindow);
    }

    public SamplingConfig withSeed(long s) { return new SamplingConfig(temperature, topK, topP, repetitionPenalty, repetitionWindow, s); }
}
