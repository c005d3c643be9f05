package ninja.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --json} and where a command's output goes, for every command alike: with it, one JSON object on stdout and
 * progress on stderr; without it, text on stdout. (A failure under --json is one JSON object too: {@link Main}.)
 */
final class Output {
    @Option(names = "--json", description = "print one JSON object instead of text (its fields: README)")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Where the result goes. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where progress goes: stdout with text, stderr under --json (so stdout holds the JSON object alone). */
    PrintWriter log() {
        return json ? spec.commandLine().getErr() : out();
    }

    /** Where errors go. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Whether the user gave this option (as opposed to its default). */
    boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** Prints the result, as JSON ({@code value}, a map or record Jackson writes) or as {@code text} writes it. */
    void print(Object value, Consumer<PrintWriter> text) {
        if (json) {
            Json.print(out(), value);
        } else {
            text.accept(out());
            out().flush();
        }
    }
}
