package ninja.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import jdk.jshell.tool.JavaShellToolBuilder;
import ninja.check.Reference;
import ninja.model.Mlp;
import ninja.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ./ninja shell}: jshell, running in this JVM with the library on its class path and the notebook's state
 * defined as variables by the lecture's names, so a learner can try one line at a time as in the notebook. On a
 * terminal it is the jshell tool; otherwise it runs the script on standard input (see {@link ShellScript}).
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"jshell with the notebook's state: Xb, Yb, n, the parameters (C, W1, ...), every forward intermediate "
                + "by its lecture name (hprebn, bnvar_inv, ...), the reference's gradients (dhprebn_ref, ..., and the map "
                + "grads), and cmp(name, mine, reference) or cmp(name, mine) printing the lecture's row.",
                "Reads a script from standard input when it is not a terminal (exit 2 if a line does not compile, "
                        + "1 if one throws)."})
final class ShellCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--reference", defaultValue = "torch",
            description = "where the _ref gradients come from: torch (libtorch autograd) or fd; default ${DEFAULT-VALUE}")
    String reference;

    @Spec
    CommandSpec spec;

    /** Standard input, replaceable by tests. */
    static InputStream stdin = System.in;

    /** The session's first lines: imports, with the state as static fields of {@link ShellState}. */
    static final List<String> PRELUDE = List.of("import ninja.tensor.*;", "import static ninja.tensor.Ops.*;",
            "import static ninja.cli.ShellState.*;");

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        // the data, the parameters, libtorch's start and its reference on another thread while jshell starts here
        FutureTask<GradeSession> loading = new FutureTask<>(() -> load(GradeSession.start(model, reference, 5)));
        Thread loader = new Thread(loading, "shell state");
        loader.setDaemon(true);
        loader.start();
        if (System.console() != null && stdin == System.in) {
            return interactive(banner(join(loading), t0));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintStream stdout = System.out;
        PrintStream toOut = new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
        System.setOut(toOut); // snippets print with System.out: into this command's output
        try {
            String script = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            return new ShellScript(classPath(), toOut, spec.commandLine().getErr()).run(PRELUDE, () -> join(loading),
                    script);
        } finally {
            toOut.flush();
            System.setOut(stdout);
            out.flush();
        }
    }

    private static String banner(GradeSession session, long t0) {
        return String.format("ninja shell: config %s, batch %d, reference %s; state loaded in %.1f s",
                session.cfg().name(), session.b().n(), session.reference().name(), (System.nanoTime() - t0) / 1e9);
    }

    /** The loader's session once the state is set; what it threw, rethrown here as it was. */
    private static GradeSession join(FutureTask<GradeSession> loading) {
        try {
            return loading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the notebook's state was loaded");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The values as the grader feeds them: our forward, overridden by the reference's own, and the parameters. */
    private static GradeSession load(GradeSession session) {
        Reference.Result result = session.result();
        Map<String, Tensor> values = new HashMap<>(Mlp.forward(session.p(), session.b()).byName());
        values.putAll(result.values());
        values.putAll(session.p().byName());
        ShellState.set(session.b().n(), session.b().blockSize(), session.b().xb(), session.b().yb(), values,
                result.grads());
        return session;
    }

    private int interactive(String banner) throws IOException {
        Path startup = Files.createTempFile("ninja-shell", ".jsh");
        try {
            Files.writeString(startup, String.join("\n", PRELUDE) + "\nSystem.out.println(\"" + banner
                    + " (names: the fields of ninja.cli.ShellState; quit: /exit)\");\n");
            JavaShellToolBuilder.builder().start("--execution", "local", "--class-path", classPath(), "--feedback",
                    "concise", "--startup", "DEFAULT", "--startup", startup.toString());
            return Main.OK;
        } catch (Exception e) {
            throw new IllegalStateException("jshell failed: " + e, e);
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    /** This JVM's class path, plus where ninja-core and ninja-cli were loaded from (a test runner may hide them). */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        for (Class<?> c : new Class<?>[] {Tensor.class, ShellState.class}) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException | RuntimeException e) {
                // the class path alone will do
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** An OutputStream onto the command's PrintWriter (UTF-8). */
    private static final class WriterStream extends java.io.OutputStream {
        private final PrintWriter w;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        WriterStream(PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            buf.write(b);
        }

        @Override
        public void flush() {
            w.write(buf.toString(StandardCharsets.UTF_8));
            w.flush();
            buf.reset();
        }
    }
}
