package io.switchboard.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.NodeProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The jar as users start it: a bad cluster setting fails a -cluster start with a message, before
 * Hazelcast starts.
 */
class StartFailureIT {

  @Test
  void aBadClusterSettingFailsTheStartNamingIt() {
    // Fails while reading the settings, before Hazelcast starts: nothing is sent anywhere.
    try (NodeProcess node =
        NodeProcess.start("start-failure", Map.of("SWITCHBOARD_CLUSTER_PORT", "abc"))) {
      // Fails once the node's output has ended, and carries all of it.
      String output = assertThrows(AssertionError.class, node::awaitStarted).getMessage();
      // Cluster settings are read by buildClustered (only for -cluster): the launcher's "Vert.x
      // initialization" code.
      assertEquals(11, node.awaitExit(60));
      assertTrue(output.contains("SWITCHBOARD_CLUSTER_PORT") && output.contains("abc"), output);
    }
  }
}
