package io.switchboard.fuzz;

import java.util.SplittableRandom;

/**
 * Random JSON text, valid as JSON (RFC 8259) but hostile to whoever reads it: numbers no double
 * holds, lone surrogate escapes, control characters, deep and wide nesting. All from one seeded
 * {@link SplittableRandom}, so a seed replays the same text.
 */
final class JsonValues {
  static final String[] NUMBERS = {
    "0",
    "-0",
    "1e999",
    "-1e999",
    "1e-999",
    "1.5E+308",
    "9223372036854775808",
    "-9223372036854775809",
    "0.0000000000000000000000001",
    "123456789012345678901234567890",
    "1E400",
    "-0.0",
    "4.9e-324"
  };

  static final String[] STRING_BODIES = {
    "",
    "a",
    "\\ud800",
    "\\udfff",
    "\\udbff\\udfff",
    "\\ud83d\\ude00",
    "\\u0000",
    "\\u001f",
    "\\\"",
    "\\\\",
    "\\/",
    "\\b\\f\\n\\r\\t",
    "é",
    "😀",
    "\u2028\u2029",
    "\\uFFFE",
    "\\uFEFF",
    "<script>",
    "%00",
    "..%2F..",
    "*",
    "room:*",
    "phoenix",
    "phx_reply",
    "null"
  };

  private final SplittableRandom rnd;

  JsonValues(SplittableRandom rnd) {
    this.rnd = rnd;
  }

  /** A JSON string literal (quoted), sometimes long, sometimes with a lone surrogate escape. */
  String string() {
    int pick = rnd.nextInt(10);
    if (pick < 6) {
      return '"' + STRING_BODIES[rnd.nextInt(STRING_BODIES.length)] + '"';
    }
    if (pick < 8) {
      return '"' + word(1 + rnd.nextInt(24)) + '"';
    }
    if (pick < 9) {
      return '"' + "x".repeat(250 + rnd.nextInt(20)) + '"';
    }
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0, n = 1 + rnd.nextInt(12); i < n; i++) {
      s.append(STRING_BODIES[rnd.nextInt(STRING_BODIES.length)]).append(word(rnd.nextInt(3)));
    }
    return s.append('"').toString();
  }

  String number() {
    int pick = rnd.nextInt(8);
    if (pick < 5) {
      return NUMBERS[rnd.nextInt(NUMBERS.length)];
    }
    if (pick < 7) {
      return Long.toString(rnd.nextLong());
    }
    return "9".repeat(900 + rnd.nextInt(200)); // around Jackson's 1000-digit limit
  }

  /** Any JSON value, nested at most {@code depth} more levels. */
  String value(int depth) {
    int pick = rnd.nextInt(depth <= 0 ? 6 : 9);
    return switch (pick) {
      case 0 -> "null";
      case 1 -> rnd.nextBoolean() ? "true" : "false";
      case 2, 3 -> number();
      case 4, 5 -> string();
      case 6, 7 -> object(depth - 1);
      default -> array(depth - 1);
    };
  }

  String object(int depth) {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append(string()).append(':').append(value(depth));
    }
    return s.append('}').toString();
  }

  String array(int depth) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append(value(depth));
    }
    return s.append(']').toString();
  }

  /** {@code levels} nested arrays or objects around {@code inner}. */
  static String nested(int levels, boolean arrays, String inner) {
    StringBuilder s = new StringBuilder(levels * 6 + inner.length());
    for (int i = 0; i < levels; i++) {
      s.append(arrays ? "[" : "{\"a\":");
    }
    s.append(inner);
    for (int i = 0; i < levels; i++) {
      s.append(arrays ? ']' : '}');
    }
    return s.toString();
  }

  String word(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('a' + rnd.nextInt(26)));
    }
    return s.toString();
  }
}
