package io.github.ecsrollout.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of the benchmark table, the targets checked against them, and their text and JSON forms. */
final class Report {

    /**
     * One row. {@code project} and {@code baseline} are numbers or words (null: not applicable); {@code ratio} is
     * project / baseline unless the metric says what it is relative to.
     */
    record Row(String scenario, String metric, Object project, Object baseline, Double ratio, String unit) {
    }

    /** A target from the issue, met or missed, with the numbers behind the judgement. */
    record Target(String name, boolean met, String evidence) {
    }

    final List<Row> rows = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    void row(String scenario, String metric, Object project, Object baseline, Double ratio, String unit) {
        rows.add(new Row(scenario, metric, round(project), round(baseline), (Double) round(ratio), unit));
    }

    void target(String name, boolean met, String evidence) {
        targets.add(new Target(name, met, evidence));
    }

    static Double ratio(double a, double b) {
        return b == 0 ? null : a / b;
    }

    private static Object round(Object v) {
        if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return null;
            }
            double scale = Math.abs(d) >= 100 ? 1 : Math.abs(d) >= 10 ? 10 : Math.abs(d) >= 1 ? 100 : 1000;
            return Math.round(d * scale) / scale;
        }
        return v;
    }

    static String format(Object v) {
        if (v == null) {
            return "—";
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.format(Locale.ROOT, "%,d", (long) d);
            }
            return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%,.0f" : Math.abs(d) >= 10 ? "%.1f"
                    : Math.abs(d) >= 1 ? "%.2f" : "%.3f", d);
        }
        if (v instanceof Integer || v instanceof Long) {
            return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
        }
        return String.valueOf(v);
    }

    /** The table as Markdown (it reads as a table in a terminal too). */
    String markdownTable() {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"scenario", "metric", "project", "baseline", "ratio", "unit"});
        for (Row r : rows) {
            cells.add(new String[] {r.scenario(), r.metric(), format(r.project()), format(r.baseline()),
                    format(r.ratio()), r.unit()});
        }
        int[] width = new int[6];
        for (String[] c : cells) {
            for (int i = 0; i < 6; i++) {
                width[i] = Math.max(width[i], c[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < cells.size(); n++) {
            String[] c = cells.get(n);
            sb.append('|');
            for (int i = 0; i < 6; i++) {
                boolean right = i >= 2 && i <= 4;
                String pad = " ".repeat(width[i] - c[i].length());
                sb.append(' ').append(right ? pad + c[i] : c[i] + pad).append(" |");
            }
            sb.append('\n');
            if (n == 0) {
                sb.append('|');
                for (int i = 0; i < 6; i++) {
                    boolean right = i >= 2 && i <= 4;
                    sb.append(right ? "-".repeat(width[i] + 1) + ":|" : "-".repeat(width[i] + 2) + "|");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    String targetList() {
        StringBuilder sb = new StringBuilder();
        for (Target t : targets) {
            sb.append("- ").append(t.met() ? "**met**" : "**missed**").append(" — ").append(t.name()).append(": ")
                    .append(t.evidence()).append('\n');
        }
        return sb.toString();
    }

    /** {@code [{"scenario", "metric", "project", "baseline", "ratio", "unit"}, ...]}. */
    void writeJson(Path file) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode list = json.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = list.addObject();
            o.put("scenario", r.scenario());
            o.put("metric", r.metric().trim());
            o.set("project", json.valueToTree(r.project()));
            o.set("baseline", json.valueToTree(r.baseline()));
            o.set("ratio", json.valueToTree(r.ratio()));
            o.put("unit", r.unit());
        }
        try {
            Files.createDirectories(file.getParent());
            json.writeValue(file.toFile(), list);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
