package io.switchboard.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.transport.Transport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SWITCHBOARD_TRANSPORT: what each value starts the event loops on, and a typo refused with the variable's name. */
class NetworkTransportTest {

  @Test
  void autoIsNativeEpollWhereItLoadsAndNioWhenAskedFor() {
    // The CI machines are Linux x86_64, where the jar's native epoll loads.
    assertEquals(Transport.EPOLL, NetworkTransport.choose(Map.of()));
    assertEquals(Transport.EPOLL, NetworkTransport.choose(Map.of(NetworkTransport.ENV, "auto")));
    assertEquals(Transport.NIO, NetworkTransport.choose(Map.of(NetworkTransport.ENV, " NIO ")));
  }

  @Test
  void aTypoIsRefusedWithTheVariableNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkTransport.choose(Map.of(NetworkTransport.ENV, "epol")));
    assertTrue(e.getMessage().contains("SWITCHBOARD_TRANSPORT") && e.getMessage().contains("epol"), e.getMessage());
  }
}
