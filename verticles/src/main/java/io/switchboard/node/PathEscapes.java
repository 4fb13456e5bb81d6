package io.switchboard.node;

/**
 * Percent-escapes in a request path. vertx-web's Router normalises the path of every request it
 * routes and throws on an escape that is not {@code %} and two hex digits ({@code /api/topics/%ZZ/
 * subscribers}), which it logs at SEVERE with a stack trace: one line per request, for anyone to
 * send (found by FuzzTest). Such a path is answered 400 before the Router sees it.
 */
final class PathEscapes {
  private PathEscapes() {}

  static boolean wellFormed(String path) {
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || !hex(path.charAt(i + 1)) || !hex(path.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
