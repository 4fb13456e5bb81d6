package io.switchboard.limits;

import io.switchboard.config.SwitchboardConfig;

/**
 * The node-wide bounds on connections, made once per node and shared by its socket verticle
 * instances: how many the socket port holds, how fast it upgrades, how many sockets a user holds,
 * and how long a request may take to arrive (docs/RELIABILITY.md, "Limits").
 *
 * @param headerTimeoutMs {@code http.headerTimeoutMs}
 * @param bodyTimeoutMs {@code http.bodyTimeoutMs}
 */
public record ConnectionLimits(
    ConnectionCap cap,
    UpgradeRate upgrades,
    UserConnections perUser,
    long headerTimeoutMs,
    long bodyTimeoutMs) {

  public static ConnectionLimits create(SwitchboardConfig config) {
    SwitchboardConfig.Http http = config.http();
    return new ConnectionLimits(
        new ConnectionCap(ConnectionCap.resolve(http.maxConnections())),
        new UpgradeRate(http.upgradesPerSecond(), http.upgradeBurst(), System.nanoTime()),
        new UserConnections(config.limits().maxConnectionsPerUser()),
        http.headerTimeoutMs(),
        http.bodyTimeoutMs());
  }
}
