package io.switchboard.protocol;

/**
 * Well-formed UTF-16: JSON's {@code "\ud800"} escape decodes to a lone surrogate, which no UTF-8
 * encoder can write. Refs, topics and events are checked once where they come in, so that nothing
 * past that point (replies, broadcasts, logs) meets one.
 */
public final class UnicodeText {
  private UnicodeText() {}

  /** True when every surrogate in {@code s} is half of a pair. */
  public static boolean isWellFormed(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} with each lone surrogate replaced by U+FFFD. */
  public static String wellFormed(String s) {
    if (isWellFormed(s)) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
