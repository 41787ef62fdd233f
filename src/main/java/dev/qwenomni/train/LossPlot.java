package dev.qwenomni.train;

import dev.qwenomni.sys.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The loss curves of a run as a PNG (XChart). */
public final class LossPlot {
    private LossPlot() {}

    public static void write(Path png, String title, String lossUnit, List<double[]> train, List<double[]> val,
                             double reference, String referenceLabel) throws IOException {
        AtomicFiles.write(png, BitmapEncoder.getBitmapBytes(chart(title, lossUnit, train, val, reference, referenceLabel),
                BitmapEncoder.BitmapFormat.PNG));
    }

    static XYChart chart(String title, String lossUnit, List<double[]> train, List<double[]> val, double reference,
                         String referenceLabel) {
        XYChart chart = new XYChartBuilder().width(900).height(540).title(title).xAxisTitle("step")
                .yAxisTitle("loss (" + lossUnit + ")").build();
        chart.getStyler().setMarkerSize(4);
        if (!train.isEmpty()) chart.addSeries("train", xs(train), ys(train)).setMarker(SeriesMarkers.NONE);
        if (!val.isEmpty()) chart.addSeries("validation", xs(val), ys(val));
        if (reference > 0 && !train.isEmpty()) {
            double[] x = {train.get(0)[0], train.get(train.size() - 1)[0]};
            XYSeries s = chart.addSeries(referenceLabel, x, new double[]{reference, reference});
            s.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /** Plots the train and eval losses recorded in a metrics.jsonl (the last record per step wins). */
    public static void fromMetrics(Path metrics, Path png, String lossUnit, double reference, String referenceLabel)
            throws IOException {
        if (!java.nio.file.Files.isRegularFile(metrics)) return;
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.TreeMap<Integer, Double> train = new java.util.TreeMap<>(), val = new java.util.TreeMap<>();
        for (String line : java.nio.file.Files.readAllLines(metrics)) {
            if (line.isBlank()) continue;
            var n = json.readTree(line);
            String type = n.path("type").asText();
            if (type.equals("train")) train.put(n.path("step").asInt(), n.path("loss").asDouble());
            else if (type.equals("eval")) val.put(n.path("step").asInt(), n.path("val_loss").asDouble());
        }
        if (train.isEmpty()) return;
        write(png, "qwen-omni training loss", lossUnit, pairs(train), pairs(val), reference, referenceLabel);
    }

    private static List<double[]> pairs(java.util.SortedMap<Integer, Double> m) {
        return m.entrySet().stream().map(e -> new double[]{e.getKey(), e.getValue()}).toList();
    }

    private static double[] xs(List<double[]> p) { return p.stream().mapToDouble(a -> a[0]).toArray(); }
    private static double[] ys(List<double[]> p) { return p.stream().mapToDouble(a -> a[1]).toArray(); }
}
