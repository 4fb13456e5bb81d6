package io.switchboard.history;

import java.util.concurrent.ThreadLocalRandom;

/** New stream epochs: short, URL-safe, with no ':' (the ref slot's separator). */
final class Epochs {
  private static final char[] ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private Epochs() {}

  /** 10 characters, about 59 bits: two streams of one topic never share one. */
  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] chars = new char[10];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
