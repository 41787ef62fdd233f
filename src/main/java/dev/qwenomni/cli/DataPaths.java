package dev.qwenomni.cli;

import java.nio.file.Path;

/**
 * The repository's data files, the defaults of every command that reads them. They resolve
 * against the project folder (the launcher passes it as the system property omni.home), so a
 * command run from any folder finds them; paths a user types resolve against the working
 * directory, as in any command-line tool.
 */
final class DataPaths {
    /** The project folder in a picocli default value: the omni.home property (ending in /), else the working directory. */
    static final String HOME = "${sys:omni.home:-}";
    /** The text corpus (King James Bible, public domain), one verse per line. */
    static final String CORPUS = HOME + "data/corpus/kjv.txt.gz";
    /** Sentences held out of all training: the speech test split and the recogniser's LM leave them out. */
    static final String TEST_LIST = HOME + "data/speech/test_sentences.txt";
    /** The default pair: the committed TTS model and the codec whose codes it was trained on (speak, tts eval, tts train). */
    static final String TTS = HOME + "checkpoints/tts", CODEC = HOME + "checkpoints/codec-4096";
    /** Caches of rendered audio, codes, phonemes and tokens, shared by every command. */
    static final String CACHE = HOME + "data/cache";

    /** A file of the project folder, for code (not annotations). */
    static Path inHome(String relative) {
        return Path.of(System.getProperty("omni.home", "")).resolve(relative);
    }

    private DataPaths() {}
}
