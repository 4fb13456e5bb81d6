package io.switchboard.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code --name value} and bare {@code --flag} options; unknown names fail loudly so a typo never
 * runs a wrong test.
 */
final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final Map<String, Boolean> used = new HashMap<>();

  Args(String[] argv, int from) {
    for (int i = from; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("expected --option, got " + a);
      }
      String name = a.substring(2);
      if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
        values.put(name, argv[++i]);
      } else {
        values.put(name, "true");
      }
    }
  }

  String str(String name, String dflt) {
    used.put(name, true);
    String v = values.get(name);
    if (v == null && dflt == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return v == null ? dflt : v;
  }

  int integer(String name, int dflt) {
    return Integer.parseInt(str(name, Integer.toString(dflt)));
  }

  double dbl(String name, double dflt) {
    return Double.parseDouble(str(name, Double.toString(dflt)));
  }

  boolean flag(String name) {
    return Boolean.parseBoolean(str(name, "false"));
  }

  /** Call after reading every option: anything left was misspelt. */
  void rejectUnknown() {
    for (String k : values.keySet()) {
      if (!used.containsKey(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
  }
}
