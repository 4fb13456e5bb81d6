package io.switchboard.fuzz;

import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Reasons;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

/**
 * What docs/PROTOCOL.md promises a client may get: the error reasons (every {@link Reasons}
 * constant, {@code join crashed}, and {@code invalid payload: <detail>}), the server's close codes,
 * and the API's error codes. An answer outside these is a failure even when nothing crashed.
 */
final class Documented {
  static final Set<String> REASONS = reasons();

  /** docs/PROTOCOL.md "Close codes" (CloseCodes.SERVER_CODES). */
  static final Set<Integer> CLOSE_CODES = closeCodes();

  /** HttpApi and HistoryApi: {@code {"error": {"code"}}}, with HttpAdmission's own. */
  static final Set<String> API_CODES =
      Set.of(
          "unauthorized",
          "invalid_json",
          "invalid_request",
          "payload_too_large",
          "not_found",
          "method_not_allowed",
          "no_history",
          "request_timeout");

  private Documented() {}

  static boolean reason(String reason) {
    return reason != null
        && (REASONS.contains(reason) || reason.startsWith(Reasons.INVALID_PAYLOAD + ": "));
  }

  private static Set<String> reasons() {
    Set<String> out = new HashSet<>();
    for (Field f : Reasons.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class
          && !f.getName().startsWith("THROTTLE_")) {
        try {
          out.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    out.add("join crashed");
    return Set.copyOf(out);
  }

  private static Set<Integer> closeCodes() {
    Set<Integer> out = new HashSet<>();
    CloseCodes.SERVER_CODES.forEach(c -> out.add((int) c));
    return Set.copyOf(out);
  }
}
