package ninja.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ninja.check.GradientCheck.Row;
import ninja.model.ModelConfig;

/**
 * The cmp table of {@code ./ninja check}, for either model: one block of rows per reference with its loss and
 * summary, then the verdict; or the same as one JSON object. Exit 0 when every row passes, 1 when one does not.
 */
final class CheckOutput {
    private CheckOutput() {
    }

    /**
     * One reference's rows.
     *
     * @param describe what the reference is, for the {@code reference} line
     * @param forward our forward's intermediates compared with the reference's (empty where the reference gives none)
     */
    record Table(String reference, String describe, List<Row> rows, List<Row> forward, double loss,
            double referenceLoss, double seconds) {
        boolean ok() {
            return rows.stream().allMatch(Row::ok);
        }

        double maxdiff() {
            return rows.stream().mapToDouble(r -> r.cmp().maxdiff()).filter(d -> !Double.isNaN(d)).max().orElse(0);
        }

        double forwardMaxdiff() {
            return forward.stream().mapToDouble(r -> r.cmp().maxdiff()).max().orElse(0);
        }

        List<String> forwardFailed() {
            return forward.stream().filter(r -> !r.cmp().ok()).map(Row::name).toList();
        }
    }

    /**
     * Prints the tables and returns the exit code.
     *
     * @param layers the model's layers in one line, or null (the MLP's are the lecture's)
     * @param png the dlogits picture written, or null
     */
    static int print(Output output, ModelConfig cfg, String layers, boolean local, List<Table> tables, Path png) {
        boolean ok = tables.stream().allMatch(Table::ok);
        List<String> failed = new ArrayList<>();
        for (Table t : tables) {
            t.rows().stream().filter(r -> !r.ok())
                    .forEach(r -> failed.add(tables.size() > 1 ? r.name() + " [" + t.reference() + "]" : r.name()));
        }
        output.print(json(cfg, local, tables, ok, failed, png), out -> {
            out.printf("config      %s%n", cfg.describe());
            if (layers != null) {
                out.printf("model       %s%n", layers);
            }
            for (Table t : tables) {
                out.println();
                out.printf("reference   %s%n", t.describe());
                int width = t.rows().stream().mapToInt(r -> r.name().length()).max().orElse(0);
                t.rows().forEach(r -> out.println(r.format(width)));
                long passed = t.rows().stream().filter(Row::ok).count();
                long approx = t.rows().stream().filter(x -> x.cmp().ok()).count();
                long exact = t.rows().stream().filter(x -> x.cmp().ok() && x.cmp().exact()).count();
                long rounding = t.rows().stream().filter(x -> x.ok() && !x.cmp().ok()).count();
                out.printf("loss        %s (mine), %s (%s)%n", Float.toString((float) t.loss()), t.referenceLoss(),
                        t.reference());
                if (!t.forward().isEmpty()) {
                    List<String> off = t.forwardFailed();
                    out.printf("forward     %d of %d intermediates of our forward approximately equal to %s's, largest maxdiff %s%s%n",
                            t.forward().size() - off.size(), t.forward().size(), t.reference(), t.forwardMaxdiff(),
                            off.isEmpty() ? "" : " (not: " + String.join(", ", off) + ")");
                }
                out.printf("summary     %d of %d rows pass (%d approximately equal, %d exact, %d within float32 rounding), "
                        + "largest maxdiff %s; %s took %.2f s%n", passed, t.rows().size(), approx, exact, rounding,
                        t.maxdiff(), t.reference(), t.seconds());
            }
            if (png != null) {
                out.printf("plot        %s%n", png);
            }
            out.println(ok ? "ok: every gradient equals the reference up to float32 rounding"
                    : "FAILED: " + failed.size() + " row(s) wrong beyond float32 rounding: " + String.join(", ", failed));
        });
        return ok ? Main.OK : Main.CHECK_FAILED;
    }

    private static Map<String, Object> json(ModelConfig cfg, boolean local, List<Table> tables, boolean ok,
            List<String> failed, Path png) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok);
        m.put("config", cfg.summary());
        m.put("local", local);
        List<Map<String, Object>> refs = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Table t : tables) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("name", t.reference());
            rm.put("ok", t.ok());
            rm.put("loss", t.loss());
            rm.put("reference_loss", t.referenceLoss());
            rm.put("maxdiff", t.maxdiff());
            rm.put("forward_maxdiff", t.forwardMaxdiff());
            rm.put("forward_not_approximate", t.forwardFailed());
            rm.put("seconds", t.seconds());
            refs.add(rm);
            for (Row row : t.rows()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("name", row.name());
                x.put("exact", row.cmp().exact());
                x.put("approximate", row.cmp().approximate());
                x.put("maxdiff", Double.isNaN(row.cmp().maxdiff()) ? null : row.cmp().maxdiff());
                x.put("relerr", Double.isFinite(row.verdict().relerr()) ? row.verdict().relerr() : null);
                x.put("verdict", row.label());
                x.put("reference", row.reference());
                x.put("compared", row.compared());
                x.put("elements", row.elements());
                if (row.cmp().problem() != null) {
                    x.put("problem", row.cmp().problem());
                }
                rows.add(x);
            }
        }
        m.put("references", refs);
        m.put("rows", rows);
        m.put("failed", failed);
        if (png != null) {
            m.put("plot", png.toString());
        }
        return m;
    }
}
