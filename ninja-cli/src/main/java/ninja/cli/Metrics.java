package ninja.cli;

import java.io.BufferedWriter;
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
 */
final class Metrics implements AutoCloseable {
    static final String HEADER = "step,lr,loss,val_loss";

    final List<Float> losses = new ArrayList<>();
    final List<Integer> valSteps = new ArrayList<>();
    final List<Float> valLosses = new ArrayList<>();
    private final BufferedWriter w;
    private String pending;

    private Metrics(BufferedWriter w) {
        this.w = w;
    }

    /** Opens DIR/metrics.csv for a run starting at {@code startStep}, keeping earlier rows from a previous run. */
    static Metrics open(Path file, int startStep) throws IOException {
        List<String> keep = new ArrayList<>();
        Metrics m;
        if (startStep > 0 && Files.isRegularFile(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
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
        m = new Metrics(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        m.w.write(HEADER);
        m.w.newLine();
        for (String line : keep) {
            String[] f = line.split(",", -1);
            m.losses.add(Float.parseFloat(f[2]));
            if (!f[3].isEmpty()) {
                m.valSteps.add(Integer.parseInt(f[0]) + 1);
                m.valLosses.add(Float.parseFloat(f[3]));
            }
            m.w.write(line);
            m.w.newLine();
        }
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
            try {
                w.write(pending);
                w.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pending = null;
        }
    }

    void flush() {
        flushPending();
        try {
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
