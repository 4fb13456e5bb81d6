package io.switchboard.transport;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which Netty transport the node's event loops use, from {@code SWITCHBOARD_TRANSPORT}: {@code nio}
 * (the JDK's), {@code epoll}, {@code io_uring}, or {@code auto}. It is chosen before Vert.x starts,
 * hence an environment variable and not a key of the JSON config. A native transport that this
 * machine cannot load (not Linux x86_64, io_uring disabled by the kernel or a seccomp profile, as
 * in many container runtimes) falls back to the next one, with a log line saying why.
 */
public final class NetworkTransport {
  public static final String ENV = "SWITCHBOARD_TRANSPORT";
  static final String DEFAULT = "auto";
  private static final System.Logger log = System.getLogger(NetworkTransport.class.getName());

  private NetworkTransport() {}

  /**
   * The transport a running Vert.x uses, as {@code SWITCHBOARD_TRANSPORT} names it ({@code nio},
   * {@code epoll}, ...).
   */
  public static String inUse(Vertx vertx) {
    // Vert.x 5 says which only through its internal interface.
    return ((VertxInternal) vertx)
        .transport()
        .getClass()
        .getSimpleName()
        .replace("Transport", "")
        .toLowerCase(Locale.ROOT);
  }

  public static Transport choose(Map<String, String> env) {
    String wanted = env.getOrDefault(ENV, DEFAULT).trim().toLowerCase(Locale.ROOT);
    List<Transport> order =
        switch (wanted) {
          case "nio" -> List.of(Transport.NIO);
          case "epoll" -> List.of(Transport.EPOLL, Transport.NIO);
          case "io_uring", "iouring" -> List.of(Transport.IO_URING, Transport.EPOLL, Transport.NIO);
          case "auto" -> List.of(Transport.EPOLL, Transport.NIO);
          default ->
              throw new IllegalArgumentException(
                  ENV + " must be auto, nio, epoll or io_uring, not '" + wanted + "'");
        };
    for (Transport t : order) {
      if (t == Transport.NIO || t.available()) {
        return t;
      }
      log.log(
          System.Logger.Level.WARNING,
          "Transport "
              + t.name()
              + " is unavailable here ("
              + t.unavailabilityCause()
              + "); trying the next");
    }
    return Transport.NIO;
  }
}
