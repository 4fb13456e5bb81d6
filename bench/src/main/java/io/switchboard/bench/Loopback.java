package io.switchboard.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** The machine rule, enforced in code: the benchmark only ever talks to 127.0.0.0/8. */
final class Loopback {
  private Loopback() {}

  static String require(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        byte[] b = a.getAddress();
        if (b.length != 4 || b[0] != 127) {
          throw new IllegalArgumentException(
              host + " is not in 127.0.0.0/8: the benchmark only runs on loopback");
        }
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host, e);
    }
    return host;
  }

  static URI requireUrl(String url) {
    URI u = URI.create(url);
    require(u.getHost());
    return u;
  }
}
