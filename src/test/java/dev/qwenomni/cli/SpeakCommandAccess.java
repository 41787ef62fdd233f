package dev.qwenomni.cli;

import java.util.List;

/** Test access to the speak command's package-private helpers. */
public final class SpeakCommandAccess {
    private SpeakCommandAccess() {}
    public static float[] concat(List<float[]> parts) { return SpeakCommand.concat(parts); }
    public static List<String> sentences(String s) { return SpeakCommand.sentences(s); }
}
