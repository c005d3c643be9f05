package ninja.exercise;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import ninja.tensor.Tensor;

/**
 * Compiles the learner's one source file in memory (javax.tools, nothing written to disk) against the running
 * JVM's class path, and loads it in a class loader of its own.
 */
public final class LearnerCompiler {

    /**
     * One compiler message: the file, its line (0 when none) and the message; the source line with a caret under
     * the column (when known), and a hint for a PyTorch habit on that line (else null).
     */
    public record Problem(String file, long line, String message, String source, long column, String hint) {
        public Problem(String file, long line, String message) {
            this(file, line, message, null, 0, null);
        }

        /** "file:line: error: message", then the source line and a caret, then the hint, as javac shows them. */
        public String format() {
            StringBuilder sb = new StringBuilder(file + (line > 0 ? ":" + line : "") + ": error: " + message);
            if (source != null) {
                sb.append('\n').append(source);
                if (column > 0) {
                    sb.append('\n').append(" ".repeat((int) column - 1)).append('^');
                }
            }
            if (hint != null) {
                sb.append("\n  hint: ").append(hint);
            }
            return sb.toString();
        }
    }

    /** The source did not compile. */
    public static final class CompileError extends Exception {
        private final List<Problem> problems;

        CompileError(String file, List<Problem> problems) {
            super(file + " does not compile (" + problems.size() + " error" + (problems.size() == 1 ? "" : "s") + ")");
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    private LearnerCompiler() {
    }

    /**
     * Compiles {@code source} (the text of {@code file}) and returns its top-level class named {@code className}.
     *
     * @throws IllegalStateException when this JVM has no compiler (a JRE)
     */
    public static Class<?> compile(Path file, String source, String className) throws CompileError {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this Java runtime has no compiler (javax.tools): run ./ninja with a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
        MemoryFileManager fm = new MemoryFileManager(std);
        List<String> options = List.of("-classpath", classPath(), "-proc:none", "-encoding", "UTF-8", "-g",
                "-Xlint:none", "-nowarn");
        Source unit = new Source(source, className);
        boolean ok = javac.getTask(null, fm, diagnostics, options, null, List.of(unit)).call();
        if (!ok) {
            List<Problem> problems = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    long line = Math.max(0, d.getLineNumber());
                    String text = line > 0 ? source.lines().skip(line - 1).findFirst().orElse(null) : null;
                    problems.add(new Problem(file.toString(), line, message(d.getMessage(Locale.ROOT)),
                            text == null ? null : text.replace('\t', ' '), Math.max(0, d.getColumnNumber()),
                            PytorchHabits.hint(text)));
                }
            }
            throw new CompileError(file.toString(), problems);
        }
        ClassLoader loader = new MemoryClassLoader(fm.classes, Tensor.class.getClassLoader());
        for (String name : fm.classes.keySet()) {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            if (simple.equals(className)) {
                try {
                    return loader.loadClass(name);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new CompileError(file.toString(), List.of(new Problem(file.toString(), 0,
                "no top-level class named " + className + " (the class must be named as its file)")));
    }

    /** javac's message on one line: "cannot find symbol (symbol: method foo(), location: ...)". */
    static String message(String javac) {
        List<String> lines = javac.lines().map(l -> l.strip().replaceAll("\\s+", " ")).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return "";
        }
        return lines.size() == 1 ? lines.get(0) : lines.get(0) + " (" + String.join(", ", lines.subList(1, lines.size())) + ")";
    }

    /** The running JVM's class path, plus where ninja-core was loaded from (surefire may hide it in a manifest). */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        String cp = System.getProperty("java.class.path", "");
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        try {
            entries.add(Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (URISyntaxException | RuntimeException e) {
            // the class path alone will do
        }
        return String.join(File.pathSeparator, entries);
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String text, String className) {
            super(URI.create("string:///" + className + Kind.SOURCE.extension), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    private static final class ClassBytes extends SimpleJavaFileObject {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ClassBytes(String name) {
            super(URI.create("mem:///" + name.replace('.', '/') + Kind.CLASS.extension), Kind.CLASS);
        }

        @Override
        public OutputStream openOutputStream() {
            return bytes;
        }
    }

    private static final class MemoryFileManager extends ForwardingJavaFileManager<JavaFileManager> {
        final Map<String, ClassBytes> classes = new HashMap<>();

        MemoryFileManager(JavaFileManager fm) {
            super(fm);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                FileObject sibling) {
            ClassBytes c = new ClassBytes(className);
            classes.put(className, c);
            return c;
        }
    }

    private static final class MemoryClassLoader extends ClassLoader {
        private final Map<String, ClassBytes> classes;

        MemoryClassLoader(Map<String, ClassBytes> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            ClassBytes c = classes.get(name);
            if (c == null) {
                throw new ClassNotFoundException(name);
            }
            byte[] b = c.bytes.toByteArray();
            return defineClass(name, b, 0, b.length);
        }
    }
}
