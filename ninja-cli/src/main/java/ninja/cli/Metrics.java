package ninja.cli;

import java.io.OutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * DIR/metrics.csv: {@code step,lr,loss,val_loss}, one row per step (0-based step i, the lr it used, the batch loss
 * before its update); val_loss is filled on the rows after which the validation split was evaluated. Resuming into
 * the same directory keeps the rows before the resumed step. The losses are also kept in memory for the plot.
 *
 * <p>Only whole lines reach the file: rows collect in memory and go out in one write(2) of complete lines (every
 * 8 KiB, and on flush), so a run killed at any moment leaves a file that ends with a full row.
 */
final class Metrics implements AutoCloseable {
    static final String HEADER = "step,lr,loss,val_loss";

    final List<Float> losses = new ArrayList<>();
    final List<Integer> valSteps = new ArrayList<>();
    final List<Float> valLosses = new ArrayList<>();
    private static final int CHUNK = 8192;
    private final OutputStream w;
    private final StringBuilder lines = new StringBuilder();
    private String pending;

    private Metrics(OutputStream w) {
        this.w = w;
    }

    /** Opens DIR/metrics.csv for a run starting at {@code startStep}, keeping earlier rows from a previous run. */
    static Metrics open(Path file, int startStep) throws IOException {
        List<String> keep = new ArrayList<>();
        Metrics m;
        if (startStep > 0 && Files.isRegularFile(file)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new Errors.UserError(file + ": not valid UTF-8, not a metrics.csv this tool wrote; move it away to resume");
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",", -1);
                try {
                    if (f.length == 4 && Integer.parseInt(f[0]) < startStep) {
                        keep.add(lines.get(i));
                    }
                } catch (NumberFormatException ignored) {
                    // a torn last line from a killed run: dropped
                }
            }
        }
        m = new Metrics(Files.newOutputStream(file));
        m.line(HEADER);
        for (String line : keep) {
            String[] f = line.split(",", -1);
            m.losses.add(Float.parseFloat(f[2]));
            if (!f[3].isEmpty()) {
                m.valSteps.add(Integer.parseInt(f[0]) + 1);
                m.valLosses.add(Float.parseFloat(f[3]));
            }
            m.line(line);
        }
        m.writeLines();
        // keep the plot's x axis aligned with the steps if the old file had gaps
        while (m.losses.size() < startStep) {
            m.losses.add(Float.NaN);
        }
        return m;
    }

    void step(int step, float lr, float loss) {
        flushPending();
        losses.add(loss);
        pending = step + "," + lr + "," + loss + ",";
    }

    /** The validation loss after {@code stepsDone} steps: goes on the row of step stepsDone - 1. */
    void val(int stepsDone, float loss) {
        valSteps.add(stepsDone);
        valLosses.add(loss);
        if (pending != null) {
            pending += loss;
        }
    }

    private void flushPending() {
        if (pending != null) {
            line(pending);
            pending = null;
            if (lines.length() >= CHUNK) {
                writeLines();
            }
        }
    }

    private void line(String row) {
        lines.append(row).append('\n');
    }

    /** One write of whole lines. */
    private void writeLines() {
        try {
            w.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("metrics.csv: cannot write: " + e.getMessage(), e);
        }
        lines.setLength(0);
    }

    void flush() {
        flushPending();
        writeLines();
    }

    @Override
    public void close() {
        flush();
        try {
            w.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
