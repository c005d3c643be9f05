package ninja.cli;

import java.io.File;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * {@code ./ninja shell} without a terminal: the script on standard input, snippet by snippet, through the
 * jdk.jshell API in this JVM (local execution, so the snippets see the state directly). What the snippets print
 * goes to standard output, with the value of each bare expression ({@code probs.shapeString()}); a snippet that
 * does not compile or throws is reported on standard error with its line, and the rest still runs.
 */
final class ShellScript {
    private final String classPath;
    private final PrintStream out;
    private final PrintWriter err;

    ShellScript(String classPath, PrintStream out, PrintWriter err) {
        this.classPath = classPath;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the prelude, then {@code load} (which waits for the state, loading meanwhile), then the script; exit
     * 0, 2 when a snippet did not compile, 1 when one threw.
     */
    int run(List<String> prelude, Runnable load, String script) {
        try (JShell js = JShell.builder().executionEngine("local").out(out).err(out).build()) {
            for (String entry : classPath.split(File.pathSeparator)) {
                js.addToClasspath(entry);
            }
            for (String line : prelude) {
                if (eval(js, line, 0) != Main.OK) {
                    throw new IllegalStateException("the shell's prelude failed at: " + line);
                }
            }
            load.run();
            int code = Main.OK;
            SourceCodeAnalysis sca = js.sourceCodeAnalysis();
            StringBuilder pending = new StringBuilder();
            int first = 0;
            List<String> lines = script.lines().toList();
            // line by line as the jshell tool reads: a snippet ends at the first line where it is complete
            for (int i = 0; i < lines.size(); i++) {
                if (pending.isEmpty()) {
                    first = i + 1;
                    if (lines.get(i).strip().startsWith("/")) {
                        code = Math.max(code, command(lines.get(i), first));
                        continue;
                    }
                }
                pending.append(lines.get(i)).append('\n');
                SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(pending.toString());
                if (ci.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    pending.setLength(0);
                } else if (ci.completeness().isComplete()) { // complete, or a syntax error: report it now
                    code = Math.max(code, eval(js, pending.toString(), first));
                    pending.setLength(0);
                }
            }
            if (!pending.toString().isBlank()) {
                err.println("line " + first + ": error: the script ends inside this snippet");
                code = Math.max(code, Main.BAD_INPUT);
            }
            out.flush();
            err.flush();
            return code;
        }
    }

    private int command(String source, int line) {
        err.println("line " + line + ": " + source.strip() + ": jshell commands work on a terminal only; skipped");
        return Main.OK;
    }

    private int eval(JShell js, String source, int line) {
        int code = Main.OK;
        for (SnippetEvent e : js.eval(source)) {
            if (e.causeSnippet() != null) {
                continue; // an update of an earlier snippet, not this one
            }
            if (e.status() == Snippet.Status.REJECTED) {
                js.diagnostics(e.snippet()).filter(Diag::isError).forEach(d -> err.println(
                        "line " + line + ": error: " + d.getMessage(Locale.ROOT).lines().findFirst().orElse("")));
                code = Main.BAD_INPUT;
            } else if (e.exception() != null) {
                String type = e.exception() instanceof EvalException x ? x.getExceptionClassName()
                        : e.exception().getClass().getName();
                err.println("line " + line + ": " + type + ": " + e.exception().getMessage());
                code = Math.max(code, Main.CHECK_FAILED);
            } else if (e.value() != null && e.snippet().kind() == Snippet.Kind.VAR
                    && e.snippet().subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
                out.println(e.value());
            }
        }
        return code;
    }

}
