package io.switchboard.auth;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser origins may use the socket port ({@code http.allowedOrigins}): the same rule for
 * Phoenix sockets and the event bus bridge, so that a page on another site can use neither with its
 * visitor's browser (cross-site WebSocket hijacking).
 */
public final class Origins {
  private Origins() {}

  /**
   * Same host as the request, or listed ({@code "*"} lists every origin). Only for requests that
   * carry an {@code Origin}: those without one do not come from a browser page.
   */
  public static boolean allowed(String origin, String host, List<String> allowed) {
    if (allowed.contains("*") || allowed.contains(origin)) {
      return true;
    }
    try {
      String authority = URI.create(origin).getRawAuthority();
      return authority != null
          && host != null
          && authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
