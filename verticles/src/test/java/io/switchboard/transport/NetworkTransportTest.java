package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.transport.Transport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SWITCHBOARD_TRANSPORT: what each value starts the event loops on, and a typo refused with the
 * variable's name.
 */
class NetworkTransportTest {

  @Test
  void autoIsNativeEpollWhereItLoadsAndNioWhenAskedFor() {
    // The jar ships native epoll for Linux x86_64 (CI): there, auto must pick it. Elsewhere auto
    // falls back to NIO.
    boolean epollHere =
        "Linux".equals(System.getProperty("os.name"))
            && java.util.Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    Transport expected = epollHere ? Transport.EPOLL : Transport.NIO;
    assertEquals(expected, NetworkTransport.choose(Map.of()));
    assertEquals(expected, NetworkTransport.choose(Map.of(NetworkTransport.ENV, "auto")));
    assertEquals(Transport.NIO, NetworkTransport.choose(Map.of(NetworkTransport.ENV, " NIO ")));
  }

  @Test
  void aTypoIsRefusedWithTheVariableNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetworkTransport.choose(Map.of(NetworkTransport.ENV, "epol")));
    assertTrue(
        e.getMessage().contains("SWITCHBOARD_TRANSPORT") && e.getMessage().contains("epol"),
        e.getMessage());
  }
}
