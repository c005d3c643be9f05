package ninja.exercise;

import java.util.ArrayList;
import java.util.List;
import ninja.check.Cmp;

/** The grade report as text: the lecture's cmp table with a status per row, a hint under each wrong row. */
public final class GradeTable {
    private GradeTable() {
    }

    public static List<String> lines(Grader.Report report) {
        List<String> out = new ArrayList<>();
        int exercise = 0;
        // Exercise 1's names fit 15 columns; Exercise 5's ("cross_entropy dlogits") widen the column
        int width = Math.max(15, report.rows().stream().mapToInt(r -> r.step().row().length()).max().orElse(0));
        for (Grader.Row r : report.rows()) {
            if (r.step().exercise() != exercise) {
                exercise = r.step().exercise();
                out.add("-- Exercise " + exercise + " " + "-".repeat(72));
            }
            String head = String.format("%-" + width + "s | %-15s | ", r.step().row(), r.status().label);
            Cmp.Row c = r.cmp();
            if (c != null && c.problem() == null) {
                out.add(head + String.format("%-68s | rel: %-7s | %s", String.format("exact: %-5s | approximate: %-5s | maxdiff: %s",
                        c.exact(), c.approximate(), c.maxdiff()), r.verdict().rel(), r.verdict().label(c.approximate())));
                if (r.hint() != null) {
                    out.add(" ".repeat(width + 3) + "-> " + r.hint());
                }
            } else {
                out.add(head + (r.hint() != null ? r.hint() : ""));
            }
        }
        out.add("");
        out.add(String.format("%d of %d done, %d wrong, %d right here only, %d not written yet, %d skipped (reference: %s, loss %.4f)",
                report.count(Grader.Status.DONE), report.rows().size(), report.count(Grader.Status.WRONG),
                report.count(Grader.Status.RIGHT_HERE_ONLY),
                report.count(Grader.Status.NOT_WRITTEN), report.count(Grader.Status.SKIPPED), report.reference(),
                report.loss()));
        if (report.stopped() != null) {
            out.add("grading stopped: " + report.stopped());
        }
        return out;
    }
}
