package ninja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {

    @Test
    void roundTripsNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\" \\ line\nbreak\u0001 é");
        m.put("n", List.of(0L, -5L, Long.MAX_VALUE));
        m.put("o", Map.of("k", "v"));
        m.put("b", true);
        m.put("z", null);
        assertThat(MiniJson.parse(MiniJson.write(m))).isEqualTo(m);
    }

    @Test
    void readsWhitespaceAndEscapes() {
        assertThat(MiniJson.parse(" { \"a\" : [ 1 , 2 ] , \"u\" : \"\\u00e9\\t\" } "))
                .isEqualTo(Map.of("a", List.of(1L, 2L), "u", "é\t"));
    }

    @Test
    void refusesBrokenText() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "{\"a\":1}x", "\"abc", "{a:1}",
                "{\"a\":1.5}", "{\"a\":1,\"a\":2}", "99999999999999999999"}) {
            assertThatThrownBy(() -> MiniJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid JSON");
        }
    }
}
