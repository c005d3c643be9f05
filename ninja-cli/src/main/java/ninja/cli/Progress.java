package ninja.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: a progress bar (step, loss, steps/s, ETA) on stderr when it is a terminal; otherwise plain
 * log lines in the lecture's format ({@code   10000/ 200000: 2.1234}); nothing with --quiet.
 */
abstract class Progress implements AutoCloseable {
    abstract void step(int step, float loss);

    abstract void val(int step, float loss);

    abstract void message(String line);

    @Override
    public abstract void close();

    static Progress create(boolean quiet, int start, int total, int logEvery, PrintWriter log) {
        if (quiet) {
            return new Progress() {
                void step(int step, float loss) {
                }

                void val(int step, float loss) {
                }

                void message(String line) {
                }

                public void close() {
                }
            };
        }
        return isTerminal() ? new Bar(start, total) : new Lines(total, logEvery, log);
    }

    /** A terminal on both ends (JDK 22+ returns a Console even when redirected, so ask it when possible). */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;                                          // JDK 17-21: non-null means a terminal
        }
    }

    private static final class Lines extends Progress {
        private final int total;
        private final int every;
        private final PrintWriter log;
        private final long t0 = System.nanoTime();
        private int first = -1;

        Lines(int total, int every, PrintWriter log) {
            this.total = total;
            this.every = Math.max(1, every);
            this.log = log;
        }

        void step(int step, float loss) {
            if (first < 0) {
                first = step;
            }
            if (step % every == 0 || step == total - 1) {
                double s = (System.nanoTime() - t0) / 1e9;
                log.printf("%7d/%7d: %.4f   (%.0f steps/s)%n", step, total, loss, s > 0 ? (step - first + 1) / s : 0.0);
                log.flush();
            }
        }

        void val(int step, float loss) {
            log.printf("%7d/%7d: val %.4f%n", step, total, loss);
            log.flush();
        }

        void message(String line) {
            log.println(line);
            log.flush();
        }

        public void close() {
            log.flush();
        }
    }

    private static final class Bar extends Progress {
        private final ProgressBar bar;
        private float lastVal = Float.NaN;

        Bar(int start, int total) {
            bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).showSpeed().setSpeedUnit(ChronoUnit.SECONDS).setUnit(" steps", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
                    .startsFrom(start, Duration.ZERO).build();
        }

        void step(int step, float loss) {
            bar.stepTo(step + 1);
            if (step % 100 == 0) {
                bar.setExtraMessage(String.format(" loss %.4f%s", loss,
                        Float.isNaN(lastVal) ? "" : String.format(" val %.4f", lastVal)));
            }
        }

        void val(int step, float loss) {
            lastVal = loss;
        }

        void message(String line) {
            System.err.println();
            System.err.println(line);
        }

        public void close() {
            bar.close();
        }
    }
}
