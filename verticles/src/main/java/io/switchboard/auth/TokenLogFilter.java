package io.switchboard.auth;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Keeps tokens out of vertx-web's log. Its Router logs every request's absolute URI at FINEST
 * ({@code Router: ... accepting request GET http://host/eventbus/websocket?token=...}), and two of
 * our URLs carry a token in the query: the bridge's ({@code new EventBus('/eventbus?token=...')})
 * and the demo page's ({@code /demo/?token=...}). The filter rewrites the value of every {@code
 * token} or {@code access_token} query parameter in that logger's records to {@code <redacted>} and
 * lets the line through, so an operator who turns FINEST on still sees the request.
 *
 * <p>JUL only, which is what Vert.x logs to unless told otherwise ({@code
 * vertx.logger-delegate-factory-class-name}); with another backend, that backend's own config must
 * keep {@code io.vertx.ext.web.impl.RouterImpl} below TRACE.
 */
public final class TokenLogFilter implements Filter {
  static final String ROUTER_LOGGER = "io.vertx.ext.web.impl.RouterImpl";
  private static final Pattern TOKEN_PARAM =
      Pattern.compile("([?&](?:access_)?token=)[^&#\\s]*", Pattern.CASE_INSENSITIVE);

  /**
   * Held here: JUL keeps loggers weakly, and a collected one would come back without the filter.
   */
  private static final Logger ROUTER = Logger.getLogger(ROUTER_LOGGER);

  private final Filter previous;

  private TokenLogFilter(Filter previous) {
    this.previous = previous;
  }

  /** Idempotent: every socket verticle instance builds a Router and calls it. */
  public static synchronized void install() {
    if (!(ROUTER.getFilter() instanceof TokenLogFilter)) {
      ROUTER.setFilter(new TokenLogFilter(ROUTER.getFilter()));
    }
  }

  static String redact(String text) {
    return text == null ? null : TOKEN_PARAM.matcher(text).replaceAll("$1<redacted>");
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    record.setMessage(redact(record.getMessage()));
    Object[] params = record.getParameters();
    if (params != null) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] != null) {
          params[i] = redact(params[i].toString());
        }
      }
    }
    return previous == null || previous.isLoggable(record);
  }
}
