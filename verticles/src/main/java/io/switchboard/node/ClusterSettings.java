package io.switchboard.node;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.NetworkConfig;
import io.switchboard.config.ConfigException;
import java.io.FileNotFoundException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Hazelcast config a clustered node uses: our {@code cluster.xml} (built into the jar) or the
 * file named by {@code -Dvertx.hazelcast.config}, then environment overrides for deployments
 * (members, interface, port, name). Never Hazelcast's or vertx-hazelcast's defaults: those use
 * multicast and phone home.
 */
public final class ClusterSettings {
  public static final String CONFIG_PROPERTY = "vertx.hazelcast.config";
  public static final String JOIN_WAIT = "hazelcast.wait.seconds.before.join";

  private ClusterSettings() {}

  public static Config load(Map<String, String> env) {
    Config config = base();
    String name = env.get("SWITCHBOARD_CLUSTER_NAME");
    if (name != null && !name.isBlank()) {
      config.setClusterName(name);
    }
    NetworkConfig network = config.getNetworkConfig();
    String members = env.get("SWITCHBOARD_CLUSTER_MEMBERS");
    if (members != null && !members.isBlank()) {
      List<String> list =
          Arrays.stream(members.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
      network.getJoin().getTcpIpConfig().setMembers(list);
    }
    String iface = env.get("SWITCHBOARD_CLUSTER_INTERFACE");
    if (iface != null && !iface.isBlank()) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(iface.trim()));
      config.setProperty("hazelcast.socket.bind.any", "true");
    }
    String port = env.get("SWITCHBOARD_CLUSTER_PORT");
    if (port != null && !port.isBlank()) {
      try {
        network.setPort(Integer.parseInt(port.trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "SWITCHBOARD_CLUSTER_PORT", "must be a port number, got '" + port + "'");
      }
    }
    String wait = env.get("SWITCHBOARD_CLUSTER_JOIN_WAIT_SECONDS");
    if (wait != null && !wait.isBlank()) {
      config.setProperty(JOIN_WAIT, wait.trim());
    }
    // Whatever the file says, never phone home and never multicast.
    config.setProperty("hazelcast.phone.home.enabled", "false");
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    return config;
  }

  private static Config base() {
    String file = System.getProperty(CONFIG_PROPERTY);
    if (file == null || file.isBlank()) {
      return new ClasspathXmlConfig("cluster.xml");
    }
    if (file.startsWith("classpath:")) {
      return new ClasspathXmlConfig(file.substring("classpath:".length()));
    }
    try {
      return new FileSystemXmlConfig(file);
    } catch (FileNotFoundException e) {
      throw new ConfigException(CONFIG_PROPERTY, "file not found: " + file);
    }
  }

  /**
   * The address the event bus should announce: the cluster interface when it is a plain address.
   */
  public static String eventBusHost(Config config) {
    List<String> ifaces =
        config.getNetworkConfig().getInterfaces().getInterfaces().stream().toList();
    if (!ifaces.isEmpty() && !ifaces.get(0).contains("*") && !ifaces.get(0).contains("-")) {
      return ifaces.get(0);
    }
    return null;
  }
}
