package io.switchboard.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Proves that no token or API key reaches a log: while a test class runs, every JUL record of every
 * logger at every level (ours, Vert.x, Netty, vertx-auth-jwt: all log through JUL here, and the
 * root logger is opened to {@code ALL} so their FINE/debug lines are produced too) is kept,
 * message, parameters and stack traces included. After the class, the log must contain none of the
 * secrets the class registered with {@link #secret} (nor a piece of one) and nothing shaped like a
 * JWT ({@code eyJ…}, how every JWT begins, up to its first dot). Use with
 * {@code @ExtendWith(LogScan.class)} on a class whose secrets all go through {@link #secret}.
 */
public final class LogScan implements BeforeAllCallback, AfterAllCallback {
  /** Base64 of {"…: the start of every JWT header and payload. */
  public static final String JWT_START = "eyJ";

  /**
   * A JWT's header and the dot after it. Not {@link #JWT_START} alone: a random 24-character
   * Sec-WebSocket-Key, which Netty's client handshaker logs at FINE, contains it about once in
   * 12,000 handshakes (it failed a CI run), but base64 has no dot.
   */
  private static final java.util.regex.Pattern JWT =
      java.util.regex.Pattern.compile(JWT_START + "[A-Za-z0-9_-]+\\.");

  /** Shorter pieces would match ordinary words; a registered secret is far longer. */
  private static final int MIN_PIECE = 12;

  private static final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private static final List<String> captured = new ArrayList<>();
  private static final Formatter FORMAT = new SimpleFormatter();

  private static final Handler CAPTURE =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          StringBuilder line =
              new StringBuilder(r.getLevel() + " " + r.getLoggerName() + ": ")
                  .append(FORMAT.formatMessage(r));
          if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
          }
          synchronized (captured) {
            captured.add(line.toString());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private Level rootLevel;

  /**
   * Registers {@code s} as a secret the log must never show, with the forms it travels in (base64
   * for the subprotocol carrier) and its pieces (a JWT's payload and signature, its first
   * characters); returns it.
   */
  public static String secret(String s) {
    register(s);
    register(Base64.getEncoder().withoutPadding().encodeToString(s.getBytes(UTF_8)));
    register(Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(UTF_8)));
    for (String piece : s.split("\\.")) {
      register(piece);
    }
    return s;
  }

  private static void register(String s) {
    if (s.length() >= MIN_PIECE) {
      secrets.add(s.length() > 64 ? s.substring(0, 64) : s);
    }
  }

  /** How many records were kept so far: a scan over nothing would prove nothing. */
  public static int recordsSoFar() {
    synchronized (captured) {
      return captured.size();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Logger root = Logger.getLogger("");
    rootLevel = root.getLevel();
    synchronized (captured) {
      captured.clear();
    }
    secrets.clear();
    CAPTURE.setLevel(Level.ALL);
    root.addHandler(CAPTURE);
    root.setLevel(Level.ALL);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Logger root = Logger.getLogger("");
    root.setLevel(rootLevel);
    root.removeHandler(CAPTURE);
    List<String> leaks = new ArrayList<>();
    synchronized (captured) {
      for (String line : captured) {
        if (JWT.matcher(line).find() || secrets.stream().anyMatch(line::contains)) {
          leaks.add(line.length() > 2_000 ? line.substring(0, 2_000) + "…" : line);
        }
      }
    }
    if (secrets.isEmpty()) {
      fail("no secret was registered: the log scan of " + context.getDisplayName() + " is empty");
    }
    if (!leaks.isEmpty()) {
      fail(
          leaks.size()
              + " log records of "
              + context.getDisplayName()
              + " show a token or key:\n"
              + String.join("\n", leaks));
    }
  }
}
