package dev.qwenomni.cli;

/** The repository's data files, the defaults of every command that reads them. */
final class DataPaths {
    /** The text corpus (King James Bible, public domain), one verse per line. */
    static final String CORPUS = "data/corpus/kjv.txt.gz";
    /** Sentences held out of all training: the speech test split and the recogniser's LM leave them out. */
    static final String TEST_LIST = "data/speech/test_sentences.txt";
    /** The default pair: the committed TTS model and the codec whose codes it was trained on (speak, tts eval, tts train). */
    static final String TTS = "checkpoints/tts", CODEC = "checkpoints/codec-4096";

    private DataPaths() {}
}
