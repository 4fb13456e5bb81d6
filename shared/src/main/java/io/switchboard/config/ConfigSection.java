package io.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One JSON object of the config (the document, a section such as {@code limits}, or a {@code
 * channels[i]} entry) read through typed accessors that remember the keys they were asked for. Once
 * its reader is done, any key left over fails with its full dotted path and the section's known
 * keys: a typo such as {@code maxChanelsPerSocket} stops the start instead of silently leaving the
 * default. The known keys are exactly the keys read, so there is no second list to keep in step; a
 * reader must therefore ask for every key it knows whatever the values are.
 *
 * <p>Every accessor's error names the key by its full path ({@code
 * channels[2].compressAboveBytes}).
 */
final class ConfigSection {
  private final JsonObject json;

  /** Dotted path of this object; empty for the document itself. */
  private final String path;

  private final Set<String> known = new LinkedHashSet<>();

  private ConfigSection(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  /**
   * Reads {@code json} (found at {@code path}) with {@code reader}, then rejects the keys it did
   * not ask for.
   */
  static <T> T read(JsonObject json, String path, Function<ConfigSection, T> reader) {
    ConfigSection section = new ConfigSection(json, path);
    T value = reader.apply(section);
    section.rejectUnknownKeys();
    return value;
  }

  /**
   * The full dotted path of {@code name} in this object, as error messages and ENV_KEYS spell it.
   */
  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /**
   * The raw value of {@code name} (null when absent), marking it known: for shapes the accessors do
   * not cover.
   */
  Object value(String name) {
    known.add(name);
    return json.getValue(name);
  }

  /**
   * A nested object read with {@code reader}; absent reads as empty, so every key takes its
   * default.
   */
  <T> T section(String name, Function<ConfigSection, T> reader) {
    return read(object(name).orElseGet(JsonObject::new), key(name), reader);
  }

  /** A nested object read with {@code reader}, or empty when the key is absent. */
  <T> Optional<T> optionalSection(String name, Function<ConfigSection, T> reader) {
    return object(name).map(o -> read(o, key(name), reader));
  }

  private Optional<JsonObject> object(String name) {
    Object v = value(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof JsonObject o) {
      return Optional.of(o);
    }
    throw new ConfigException(key(name), "must be an object");
  }

  String string(String name, String def) {
    Object v = value(name);
    if (v == null) {
      return def;
    }
    if (v instanceof String s) {
      return s;
    }
    throw new ConfigException(key(name), "must be a string");
  }

  /** Absent and blank are the same: the shipped file spells "not set" as {@code ""}. */
  Optional<String> optionalString(String name) {
    String s = string(name, null);
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  boolean bool(String name, boolean def) {
    Object v = value(name);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    // Environment overrides arrive as strings.
    if (v instanceof String s && (s.equals("true") || s.equals("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(key(name), "must be true or false, got '" + v + "'");
  }

  long longValue(String name, long def, long min, long max) {
    Long n = number(name, min, max);
    return n == null ? def : n;
  }

  int integer(String name, int def, int min, int max) {
    return (int) longValue(name, def, min, max);
  }

  /** A whole number with no default: absent fails. */
  int requiredInteger(String name, int min, int max) {
    Long n = number(name, min, max);
    if (n == null) {
      throw new ConfigException(
          key(name), "is required (a whole number between " + min + " and " + max + ")");
    }
    return n.intValue();
  }

  int port(String name, int def) {
    return integer(name, def, 0, 65_535);
  }

  /** A JSON array of strings, or (as environment overrides give it) one comma-separated string. */
  List<String> stringList(String name, List<String> def) {
    Object v = value(name);
    if (v == null) {
      return def;
    }
    if (v instanceof String s) {
      return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
    if (v instanceof JsonArray a) {
      List<String> out = new ArrayList<>();
      for (Object item : a) {
        if (!(item instanceof String s)) {
          throw new ConfigException(key(name), "must be an array of strings");
        }
        out.add(s);
      }
      return List.copyOf(out);
    }
    throw new ConfigException(key(name), "must be an array of strings");
  }

  /** Null when absent; numeric strings (environment overrides) are accepted. */
  private Long number(String name, long min, long max) {
    Object v = value(name);
    long n;
    if (v == null) {
      return null;
    } else if (v instanceof Number num && num.doubleValue() == num.longValue()) {
      n = num.longValue();
    } else if (v instanceof String s) {
      try {
        n = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key(name), "must be a whole number, got '" + s + "'");
      }
    } else {
      throw new ConfigException(key(name), "must be a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private void rejectUnknownKeys() {
    for (String name : json.fieldNames()) {
      if (!known.contains(name)) {
        String where =
            path.isEmpty() ? "the top-level keys are " : "the keys of '" + path + "' are ";
        throw new ConfigException(
            key(name), "unknown key; " + where + String.join(", ", known) + " (docs/CONFIG.md)");
      }
    }
  }
}
