package dev.qwenomni.audio;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A 16-bit mono WAV written as audio arrives (streaming synthesis): the header goes first with
 * the sizes of what is there so far, and is rewritten after every append, so the file is a
 * valid WAV whenever a player or a reader looks at it.
 */
public final class WavStreamWriter implements AutoCloseable {
    private final RandomAccessFile file;
    private final int rate;
    private long samples;

    public WavStreamWriter(Path path, int rate) throws IOException {
        this.file = new RandomAccessFile(path.toFile(), "rw");
        this.rate = rate;
        file.setLength(0);
        writeHeader();
    }

    public void append(float[] audio) throws IOException {
        if (audio.length == 0) return;
        byte[] pcm = Wav.encode16(audio, rate);
        file.seek(44 + samples * 2);
        file.write(pcm, 44, pcm.length - 44);
        samples += audio.length;
        writeHeader();
    }

    public long samples() { return samples; }

    private void writeHeader() throws IOException {
        long data = samples * 2;
        if (data > 0xFFFFFFFFL - 36) throw new IOException("WAV larger than 4 GiB");
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt((int) (36 + data)).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt((int) data);
        file.seek(0);
        file.write(b.array());
    }

    @Override
    public void close() throws IOException { file.close(); }
}
