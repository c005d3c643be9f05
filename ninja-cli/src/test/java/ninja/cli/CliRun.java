package ninja.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import ninja.testing.TestData;

/** Runs the CLI in-process and keeps what it printed. */
record CliRun(int code, String out, String err) {

    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The real names.txt, passed explicitly so tests do not depend on the working directory. */
    static String data() {
        return TestData.namesPath().toString();
    }

    JsonNode json() {
        try {
            return Json.MAPPER.readTree(out);
        } catch (Exception e) {
            throw new AssertionError("not one JSON object: " + out, e);
        }
    }
}
