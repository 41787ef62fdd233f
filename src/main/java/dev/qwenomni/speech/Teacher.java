package dev.qwenomni.speech;

import dev.qwenomni.audio.Wav;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A speech synthesiser from the operating system's packages that renders our training speech.
 * Implementations keep one process alive for a whole batch where the tool allows it.
 */
public interface Teacher {
    /** Short name used in voice ids ("flite", "festival"). */
    String name();

    /** Voices this teacher offers here. */
    List<String> voices();

    /** Debian packages that provide it, for the set-up and for messages. */
    List<String> packages();

    /** Whether its programs are installed. */
    boolean available();

    /** Installs the teacher's packages when missing and we are root; whether it is available afterwards. */
    default boolean ensureInstalled() {
        return dev.qwenomni.sys.SystemPackages.ensure(name(), packages(), this::available);
    }

    /** Renders each text with the voice, at the teacher's native rate; work files go under workDir. */
    List<Wav.Audio> render(String voice, List<String> texts, Path workDir) throws IOException;
}
