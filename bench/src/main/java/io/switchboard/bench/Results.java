package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a run's figures go: one JSON line per run (tagged with target and scenario) for {@code
 * table}.
 */
final class Results {
  private Results() {}

  interface Sink {
    void write(JsonObject result) throws IOException;
  }

  /**
   * {@code --out FILE --target NAME --scenario NAME}; without --out the JSON goes to stdout only.
   */
  static Sink sink(Args a) {
    String out = a.str("out", "");
    String target = a.str("target", "target");
    String scenario = a.str("scenario", "");
    return r -> {
      r.put("target", target).put("scenario", scenario);
      String line = r.encode();
      System.out.println("RESULT " + line);
      if (!out.isEmpty()) {
        Files.writeString(
            Path.of(out),
            line + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    };
  }
}
