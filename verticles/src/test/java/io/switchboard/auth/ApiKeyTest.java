package io.switchboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The comparison path of the API key, without timing anything: every check, whatever was sent
 * (nothing, one character, the key but for its first or last character, the key and more, a
 * megabyte), makes exactly one comparison, of two 32-byte digests, through {@link
 * MessageDigest#isEqual} (constant time for equal lengths: its time depends only on the length of
 * its first argument). So no input can make the check return early, at the first wrong character or
 * at a length mismatch, as {@code String.equals} would.
 */
class ApiKeyTest {
  static final String KEY = "the-api-key-0123456789-abcdefghij";

  record Comparison(int givenLength, int expectedLength) {}

  @Test
  void everyCheckComparesTwo32ByteDigestsOnceAndOnlyTheKeyMatches() {
    List<Comparison> comparisons = new ArrayList<>();
    ApiKey key =
        new ApiKey(
            KEY,
            (given, expected) -> {
              comparisons.add(new Comparison(given.length, expected.length));
              return MessageDigest.isEqual(given, expected);
            });
    Map<String, Boolean> inputs = new LinkedHashMap<>();
    inputs.put(KEY, true);
    inputs.put(null, false);
    inputs.put("", false);
    inputs.put("t", false);
    inputs.put("X" + KEY.substring(1), false); // wrong first character
    inputs.put(KEY.substring(0, KEY.length() - 1) + "X", false); // wrong last character
    inputs.put(KEY.substring(0, KEY.length() - 1), false); // a prefix
    inputs.put(KEY + "x", false); // the key and more
    inputs.put(KEY.toUpperCase(), false);
    inputs.put(" " + KEY, false);
    char[] huge = new char[1 << 20];
    Arrays.fill(huge, 'k');
    inputs.put(new String(huge), false);
    for (Map.Entry<String, Boolean> input : inputs.entrySet()) {
      int before = comparisons.size();
      assertEquals(
          input.getValue(),
          key.matches(input.getKey()),
          String.valueOf(input.getKey()).length() + " chars");
      assertEquals(
          List.of(new Comparison(32, 32)), comparisons.subList(before, comparisons.size()));
    }
  }

  @Test
  void theShippedComparisonIsTheJdksConstantTimeOne() {
    // The public constructor's comparison gives MessageDigest.isEqual's answers, for equal and
    // for unequal digests alike (a stand-in that returned early would still have to agree here;
    // the recorder above proves how often and on what it is called).
    ApiKey key = new ApiKey(KEY);
    assertEquals(true, key.matches(KEY));
    assertEquals(false, key.matches(KEY + " "));
    assertEquals(false, key.matches(null));
  }
}
