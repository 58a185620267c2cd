package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A beacon's custom values: parsed from its {@code custom} object, then put in its account's slots or dropped. */
class CustomValuesTest {
  private static final List<String> DECLARED = declared("experiment", "player");

  private static List<String> declared(String... names) {
    List<String> out = new ArrayList<>(Collections.nCopies(io.viewpulse.model.CustomDimension.MAX, null));
    for (int i = 0; i < names.length; i++) {
      out.set(i, names[i]);
    }
    return out;
  }

  private static RawBeacon parse(String custom) {
    String body = "{\"session_id\":\"s\",\"playback_id\":\"pb\",\"player\":\"hls\",\"events\":[]"
        + (custom == null ? "" : ",\"custom\":" + custom) + "}";
    return BeaconParser.parse(body.getBytes(StandardCharsets.UTF_8)).beacon();
  }

  @Test
  void declaredNamesFillTheirSlotsAndTheRestIsDroppedWithItsReason() {
    RawBeacon b = parse("{\"experiment\":\"A\",\"color\":\"red\",\"cdn\":\"fastly\",\"player\":\" \"}");
    CustomValues.Result r = CustomValues.of(b.metadata(), DECLARED);
    assertThat(r.slots().subList(0, 3)).as("a blank player is dropped, and Livepeer's player field takes its place")
        .isEqualTo(Arrays.asList("A", "hls", null));
    assertThat(List.of(r.cdn(), r.undeclared(), r.invalid())).isEqualTo(List.of("fastly", 1, 1));
  }

  @Test
  void valuesAreTextOfAtMost128CharactersWithoutControlCharacters() {
    RawBeacon b = parse("{\"experiment\":7,\"player\":\"" + "p".repeat(129) + "\"}");
    CustomValues.Result r = CustomValues.of(b.metadata(), DECLARED);
    assertThat(r.slots().subList(0, 2)).as("a number is its text; a value too long is dropped, and the player field"
        + " takes its place").isEqualTo(List.of("7", "hls"));
    assertThat(r.invalid()).isEqualTo(1);
    RawBeacon nested = parse("{\"experiment\":{\"arm\":\"A\"},\"player\":\"a\\u0001b\"}");
    CustomValues.Result n = CustomValues.of(nested.metadata(), declared("experiment"));
    assertThat(n.slots()).as("nothing kept").isNull();
    assertThat(n.invalid()).isEqualTo(1);
    assertThat(CustomValues.of(parse(null).metadata(), declared("experiment")).slots()).isNull();
  }

  @Test
  void aCustomThatIsNoObjectOrHasTooManyKeysRefusesTheBeacon() {
    assertThatThrownBy(() -> parse("[\"A\"]")).isInstanceOf(Rejection.class)
        .hasMessage("custom must be an object of custom dimensions' values by name");
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 33; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
    }
    assertThatThrownBy(() -> parse(many + "}")).isInstanceOf(Rejection.class)
        .hasMessage("custom has 33 keys, at most 32 are accepted");
  }
}
