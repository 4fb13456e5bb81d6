package io.switchboard.bridge;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Vert.x's bridge logs some malformed client messages at SEVERE or WARNING, one line per message
 * (found by FuzzTest: {@code {"type": 17}} logs {@code SEVERE: Invalid type in incoming message}),
 * so any client can flood the log at will while the client itself is answered with an {@code err}
 * anyway. Those records (and only those: the bridge's own failures keep their level) are lowered to
 * FINE, where an operator who wants them can still turn them on. JUL only, as {@code
 * auth/TokenLogFilter}.
 */
public final class BridgeLogFilter implements Filter {
  static final String BRIDGE_LOGGER = "io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl";

  /** Vert.x 5.0.7's messages for what a client sent; each is also answered with an err. */
  static final List<String> CLIENT_INPUT =
      List.of(
          "Invalid type in incoming message",
          "Will not send message, reply address is > 36 chars",
          "Refusing to register as address length > max_address_length",
          "Refusing to register as address is already registered",
          "Refusing to register as max_handlers_per_socket reached already");

  /**
   * Held here: JUL keeps loggers weakly, and a collected one would come back without the filter.
   */
  private static final Logger BRIDGE = Logger.getLogger(BRIDGE_LOGGER);

  private final Filter previous;

  private BridgeLogFilter(Filter previous) {
    this.previous = previous;
  }

  /** Idempotent: every socket verticle instance mounts a bridge and calls it. */
  public static synchronized void install() {
    if (!(BRIDGE.getFilter() instanceof BridgeLogFilter)) {
      BRIDGE.setFilter(new BridgeLogFilter(BRIDGE.getFilter()));
    }
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    String message = record.getMessage();
    if (message != null
        && record.getLevel().intValue() > Level.FINE.intValue()
        && CLIENT_INPUT.stream().anyMatch(message::startsWith)) {
      record.setLevel(Level.FINE);
      if (!BRIDGE.isLoggable(Level.FINE)) {
        return false;
      }
    }
    return previous == null || previous.isLoggable(record);
  }
}
