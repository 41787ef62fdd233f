package dev.qwenomni.codec;

import dev.qwenomni.io.SafeTensors;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CodecCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void saveLoadRoundTripAndLegacyWeightNormNames() throws IOException {
        SnacCodec a;
        try (SafeTensors.Reader r = SafeTensors.open(SnacFixtureParityTest.FIXTURE)) {
            a = SnacFixtureParityTest.load(r);
        }
        Path d = dir.resolve("codec");
        CodecCheckpoint.save(a, d);
        assertTrue(Files.readString(d.resolve("config.json")).contains("\"vq_strides\""));
        SnacCodec b = CodecCheckpoint.load(d);
        int[][] codes = {{1, 2}, {3, 4, 5, 6}, {7, 8, 9, 10, 11, 12, 13, 14}};
        assertArrayEquals(a.decode(codes, NoiseSource.OFF), b.decode(codes, NoiseSource.OFF));

        // the same weights under weight_g / weight_v (older snac files)
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        for (Param p : a.params.params()) t.put(CodecCheckpoint.legacyName(p.name), new SafeTensors.Entry(p.shape, p.v));
        SafeTensors.writeF32(d.resolve("model.safetensors"), t, null);
        SnacCodec c = CodecCheckpoint.load(d);
        Param g = c.params.get("decoder.model.7.parametrizations.weight.original0");
        assertEquals(Kernels.get(a.params.get(g.name).v, 0), Kernels.get(g.v, 0));

        t.remove("decoder.model.7.weight_g");
        SafeTensors.writeF32(d.resolve("model.safetensors"), t, null);
        IOException e = assertThrows(IOException.class, () -> CodecCheckpoint.load(d));
        assertTrue(e.getMessage().contains("decoder.model.7.parametrizations.weight.original0"), e.getMessage());
    }
}
