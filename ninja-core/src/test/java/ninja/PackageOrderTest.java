package ninja;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core's packages follow the pipeline the README draws: each imports only packages before it, so no cycles. */
class PackageOrderTest {
    static final List<String> ORDER = List.of("rng", "data", "tensor", "lecture", "nn", "model", "check", "io", "train");
    static final Pattern USE = Pattern.compile("\\bninja\\.([a-z]+)\\.[A-Z]");

    @Test
    void everyPackageImportsOnlyThoseBeforeIt() throws IOException {
        Path root = Path.of("src/main/java/ninja");
        List<String> backwards = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f.getParent()).toString();
                assertThat(ORDER).as("package of " + f).contains(pkg);
                for (String line : Files.readAllLines(f)) {
                    if (line.trim().startsWith("*") || line.trim().startsWith("/")) {
                        continue;               // javadoc may point anywhere
                    }
                    Matcher m = USE.matcher(line);
                    while (m.find()) {
                        String used = m.group(1);
                        if (ORDER.contains(used) && ORDER.indexOf(used) > ORDER.indexOf(pkg)) {
                            backwards.add(f.getFileName() + " (" + pkg + ") uses " + used + ": " + line.trim());
                        }
                    }
                }
            }
        }
        assertThat(backwards).isEmpty();
    }
}
