package dev.qwenomni.codec;

/** The codec tests' small 24 kHz layout (tiny24's: hop 512, latent 128, decoder 64 -> 4 channels, strides 4/2/1). */
final class TinyCodec {
    private TinyCodec() {}

    static SnacConfig config(int codebookSize, boolean depthwise) {
        return new SnacConfig(24000, 8, new int[]{2, 4, 8, 8}, 64, new int[]{8, 8, 4, 2}, null, codebookSize, 8,
                new int[]{4, 2, 1}, true, depthwise);
    }
}
