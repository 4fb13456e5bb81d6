package io.switchboard.node;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigReader;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the config comes from: the launcher's {@code -conf} when given, else {@code
 * conf/config.json} in the working directory, else the same file built into the jar; then
 * environment overrides. Runs once at start, before any event loop work.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("conf", "config.json");
  private static final String BUILT_IN = "/switchboard/config.json";

  private ConfigLoader() {}

  public static SwitchboardConfig load(JsonObject launcherConfig, Map<String, String> env) {
    JsonObject json =
        launcherConfig != null && !launcherConfig.isEmpty() ? launcherConfig : readDefault();
    if (!json.containsKey("channels")) {
      // -conf replaces the whole file: a document that only sets, say, the port would otherwise
      // leave no topic joinable. An absent key means the shipped rules, as for every other key;
      // "channels": [] means none.
      json = json.copy().put("channels", builtIn().getJsonArray("channels"));
    }
    return ConfigReader.read(json, env);
  }

  /** The built-in defaults (conf/config.json as shipped). */
  public static JsonObject builtIn() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + BUILT_IN);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in config", e);
    }
  }

  private static JsonObject readDefault() {
    if (!Files.isRegularFile(DEFAULT_FILE)) {
      return builtIn();
    }
    try {
      return new JsonObject(Files.readString(DEFAULT_FILE));
    } catch (IOException | DecodeException e) {
      throw new ConfigException(
          DEFAULT_FILE.toString(), "cannot be read as JSON: " + e.getMessage());
    }
  }
}
