package io.switchboard.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Hazelcast ports for test clusters: a few free loopback ports per cluster name, handed to its
 * nodes in turn, with all of them as the member list. Without this every test cluster uses
 * cluster.xml's 5701-5703, and anything else holding those ports (a local cluster, a compose stack)
 * would keep the test nodes from finding each other.
 */
public final class ClusterPorts {
  private static final int PER_CLUSTER = 5;
  private static final Map<String, int[]> PORTS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> NEXT = new ConcurrentHashMap<>();

  private ClusterPorts() {}

  /**
   * SWITCHBOARD_CLUSTER_PORT and SWITCHBOARD_CLUSTER_MEMBERS for the next node of {@code
   * clusterName}.
   */
  public static Map<String, String> env(String clusterName) {
    int[] ports = PORTS.computeIfAbsent(clusterName, n -> freePorts());
    int node = NEXT.computeIfAbsent(clusterName, n -> new AtomicInteger()).getAndIncrement();
    // A sixth node shares a port with the first: cluster.xml's auto-increment moves it to the next
    // free one, and the member list still leads it to the others.
    String members =
        Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    return Map.of(
        "SWITCHBOARD_CLUSTER_PORT",
        Integer.toString(ports[node % PER_CLUSTER]),
        "SWITCHBOARD_CLUSTER_MEMBERS",
        members);
  }

  /** Held open together, so the ports differ; closed before Hazelcast binds them. */
  private static int[] freePorts() {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < PER_CLUSTER; i++) {
        held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new AssertionError("no free loopback ports", e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a listening socket we own
        }
      }
    }
  }
}
