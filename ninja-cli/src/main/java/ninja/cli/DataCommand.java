package ninja.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import ninja.data.Names;
import ninja.data.Splits;
import picocli.CommandLine.Command;

@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Load names.txt, build the vocabulary and the notebook's 80/10/10 split, print their sizes.")
final class DataCommand extends ModelCommand {
    @Override
    public Integer call() {
        Names names = model.names();
        int block = model.chosen().blockSize();
        Splits s = Splits.of(names, block);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", names.source());
        m.put("words", names.words().size());
        m.put("blank_lines", names.blankLines());
        m.put("max_length", names.words().stream().mapToInt(String::length).max().orElse(0));
        m.put("vocabulary", s.vocab().chars());
        m.put("vocab_size", s.vocab().size());
        m.put("block_size", block);
        m.put("train", s.train().size());
        m.put("val", s.val().size());
        m.put("test", s.test().size());
        output.print(m, out -> {
            out.printf("file        %s%n", names.source());
            out.printf("words       %,d (blank lines skipped: %d)%n", names.words().size(), names.blankLines());
            out.printf("vocabulary  %d: %s%n", s.vocab().size(), s.vocab().chars());
            out.printf("block size  %d%n", block);
            out.printf("train       %,d examples%n", s.train().size());
            out.printf("val         %,d examples%n", s.val().size());
            out.printf("test        %,d examples%n", s.test().size());
        });
        return Main.OK;
    }
}
