package io.switchboard.socket;

import io.switchboard.protocol.V2JsonCodec;
import io.switchboard.transport.LongPollConnection;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The bodies of long-poll answers, as phoenix.js's {@code LongPoll} reads them: the HTTP status
 * says how the request went (for proxies and logs), the JSON {@code status} what the client does
 * next (200 messages, 204 none, 410 open or session gone, 403 give up, 500 retry later with
 * backoff; any other value makes phoenix.js throw).
 *
 * @param httpStatus the HTTP status line's code
 * @param body the JSON body
 */
record LongPollAnswer(int httpStatus, Buffer body) {
  static final LongPollAnswer GONE = status(200, 410);
  static final LongPollAnswer OK = status(200, 200);
  static final LongPollAnswer FORBIDDEN = status(403, 403);

  /** {@code {"status": bodyStatus}}. */
  static LongPollAnswer status(int httpStatus, int bodyStatus) {
    return new LongPollAnswer(httpStatus, Buffer.buffer("{\"status\":" + bodyStatus + "}"));
  }

  /** A refusal phoenix.js retries with backoff (its {@code 500}); the HTTP status says why. */
  static LongPollAnswer retryLater(int httpStatus) {
    return status(httpStatus, 500);
  }

  /** A new session: phoenix.js reads 410 with a token as "open". */
  static LongPollAnswer opened(String token) {
    return withMessages(410, token, null);
  }

  /**
   * A poll's answer: its frames (200), none (204), or the session is gone (410, no token). Each
   * frame is a JSON string holding the V2 JSON frame, as Phoenix sends them.
   */
  static LongPollAnswer polled(String token, LongPollConnection.Polled polled) {
    if (polled.gone()) {
      return GONE;
    }
    return polled.frames().isEmpty()
        ? withMessages(204, token, null)
        : withMessages(200, token, polled);
  }

  private static LongPollAnswer withMessages(
      int status, String token, LongPollConnection.Polled polled) {
    StringBuilder json =
        new StringBuilder(64)
            .append("{\"status\":")
            .append(status)
            .append(",\"token\":")
            .append(V2JsonCodec.quote(token))
            .append(",\"messages\":[");
    if (polled != null) {
      boolean first = true;
      for (LongPollConnection.Queued frame : polled.frames()) {
        if (!first) {
          json.append(',');
        }
        first = false;
        json.append(V2JsonCodec.quote(frame.bytes().toString(StandardCharsets.UTF_8)));
      }
    }
    return new LongPollAnswer(200, Buffer.buffer(json.append("]}").toString()));
  }
}
