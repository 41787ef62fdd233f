package dev.qwenomni.audio;

import dev.qwenomni.sys.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF/WAVE files: reads PCM 8/16/24/32-bit and IEEE float 32/64 (also WAVE_FORMAT_EXTENSIBLE),
 * mixing channels down to mono; writes 16-bit PCM mono. Errors name the file and the field.
 */
public final class Wav {
    private Wav() {}

    /** Mono samples in [-1, 1] at a sample rate. */
    public record Audio(float[] samples, int sampleRate) {
        public double seconds() { return (double) samples.length / sampleRate; }
    }

    public static Audio read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return parse(all, file.toString());
    }

    static Audio parse(byte[] all, String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157)
            throw new IOException(name + ": not a RIFF/WAVE file");
        int pos = 12, format = -1, channels = 0, rate = 0, bits = 0, dataOff = -1, dataLen = 0;
        while (pos + 8 <= all.length) {
            int id = b.getInt(pos), len = b.getInt(pos + 4);
            if (len < 0) throw new IOException(name + ": chunk at byte " + pos + " has negative length");
            int body = pos + 8;
            if (id == 0x20746d66) { // "fmt "
                if (len < 16) throw new IOException(name + ": fmt chunk of " + len + " bytes is too short");
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2) & 0xffff;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xffff;
                if (format == 0xFFFE && len >= 26) format = b.getShort(body + 24) & 0xffff; // extensible: sub-format GUID
            } else if (id == 0x61746164) { // "data"
                dataOff = body;
                dataLen = (int) Math.min(len & 0xffffffffL, all.length - body); // streamed files may overstate it
            }
            pos = body + len + (len & 1);
        }
        if (format < 0) throw new IOException(name + ": no fmt chunk");
        if (dataOff < 0) throw new IOException(name + ": no data chunk");
        if (channels < 1) throw new IOException(name + ": " + channels + " channels");
        if (rate <= 0) throw new IOException(name + ": sample rate " + rate);
        boolean pcm = format == 1, flt = format == 3;
        if (!pcm && !flt) throw new IOException(name + ": unsupported WAVE format tag " + format + " (PCM or IEEE float only)");
        if (pcm && bits != 8 && bits != 16 && bits != 24 && bits != 32 || flt && bits != 32 && bits != 64)
            throw new IOException(name + ": unsupported " + (pcm ? "PCM" : "float") + " sample size of " + bits + " bits");
        int bytes = bits / 8, frame = bytes * channels, n = dataLen / frame;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                int p = dataOff + i * frame + c * bytes;
                sum += switch (bits) {
                    case 8 -> ((all[p] & 0xff) - 128) / 128.0;
                    case 16 -> b.getShort(p) / 32768.0;
                    case 24 -> ((all[p] & 0xff) | (all[p + 1] & 0xff) << 8 | all[p + 2] << 16) / 8388608.0;
                    case 32 -> flt ? b.getFloat(p) : b.getInt(p) / 2147483648.0;
                    default -> b.getDouble(p);
                };
            }
            out[i] = (float) (sum / channels);
        }
        return new Audio(out, rate);
    }

    /** 16-bit PCM mono, clipped to [-1, 1], written atomically. */
    public static void write(Path file, float[] samples, int rate) throws IOException {
        AtomicFiles.write(file, encode16(samples, rate));
    }

    public static byte[] encode16(float[] samples, int rate) {
        int dataLen = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + dataLen).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(dataLen);
        for (float s : samples) {
            double v = Math.max(-1.0, Math.min(1.0, s));
            b.putShort((short) Math.round(v * 32767.0));
        }
        return b.array();
    }
}
