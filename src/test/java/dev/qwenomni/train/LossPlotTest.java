package dev.qwenomni.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossPlotTest {
    @Test
    void axisNamesTheTasksLossUnit() {
        List<double[]> train = List.of(new double[]{1, 4.8}, new double[]{2, 4.6});
        List<double[]> val = List.of(new double[]{2, 3.9});
        var codec = LossPlot.chart("t", "weighted sum of the codec's terms", train, val, Double.NaN, "");
        assertEquals("loss (weighted sum of the codec's terms)", codec.getYAxisTitle());
        assertEquals(2, codec.getSeriesMap().size());
        var lm = LossPlot.chart("t", "nats/token", train, val, 4.2, "unigram");
        assertEquals("loss (nats/token)", lm.getYAxisTitle());
        assertTrue(lm.getSeriesMap().containsKey("unigram"), "the reference line is drawn");
    }
}
