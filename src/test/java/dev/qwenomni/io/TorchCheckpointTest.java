package dev.qwenomni.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A real torch.save archive (see src/test/resources/torch/README.md) and a hostile one. */
class TorchCheckpointTest {
    static final Path DIR = Path.of("src/test/resources/torch");

    @Test
    void readsEveryTensorAsPyTorchWroteIt() throws IOException {
        Map<String, TorchCheckpoint.Tensor> sd = TorchCheckpoint.read(DIR.resolve("small_state_dict.pt"));
        var lines = Files.readAllLines(DIR.resolve("small_state_dict.expected.txt"));
        assertEquals(lines.size(), sd.size());
        int i = 0;
        for (String line : lines) {
            String[] f = line.split("\t");
            String name = sd.keySet().toArray(new String[0])[i++];
            assertEquals(f[0], name, "order kept");
            TorchCheckpoint.Tensor t = sd.get(f[0]);
            String[] dims = f[1].split(",");
            assertEquals(dims.length, t.shape().length, f[0]);
            for (int d = 0; d < dims.length; d++) assertEquals(Long.parseLong(dims[d]), t.shape()[d], f[0]);
            String[] vals = f[2].split(",");
            for (int k = 0; k < vals.length; k++) assertEquals(Float.parseFloat(vals[k]), t.data()[k], f[0] + "[" + k + "]");
        }
    }

    @Test
    void refusesAnyOtherGlobal() {
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(DIR.resolve("hostile.pt")));
        assertTrue(e.getMessage().contains("refusing global") && e.getMessage().contains("system"), e.getMessage());
    }
}
