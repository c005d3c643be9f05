package ninja.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/** What the CLI needs to know about its output streams, which PrintWriter would otherwise hide. */
final class Stdout {
    private Stdout() {
    }

    /** The process's stdout, remembering why a write failed (a closed pipe is not a full disk). */
    static final class Sink extends FilterOutputStream {
        private volatile IOException failure;

        Sink(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        IOException failure() {
            return failure;
        }
    }

    /** Passes text through, noting whether any was written and the first "ninja: error: " line. */
    static final class Tracking extends Writer {
        private static final String ERROR = "ninja: error: ";
        private final java.io.PrintWriter out;
        private final StringBuilder line = new StringBuilder();
        private boolean wrote;
        private String firstError;

        Tracking(java.io.PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            if (len > 0) {
                wrote = true;
            }
            if (firstError == null) {
                for (int i = off; i < off + len; i++) {
                    if (cbuf[i] == '\n') {
                        if (line.indexOf(ERROR) == 0) {
                            firstError = line.substring(ERROR.length());
                            break;
                        }
                        line.setLength(0);
                    } else if (line.length() < 4096) {
                        line.append(cbuf[i]);
                    }
                }
            }
            out.write(cbuf, off, len);
        }

        /** Passes on the error the wrapped PrintWriter would keep to itself, so the command sees it too. */
        @Override
        public void flush() throws IOException {
            if (out.checkError()) {                         // checkError flushes
                throw new IOException("the output stream failed");
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        boolean wroteAnything() {
            return wrote;
        }

        String firstError() {
            return firstError;
        }
    }
}
