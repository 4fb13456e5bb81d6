package io.switchboard.config;

/** Who may join a channel. Anything not granted by a rule is denied. */
public enum JoinAccess {
  /** Any user with a valid token. */
  AUTHENTICATED("authenticated"),
  /**
   * Only the user whose id equals the topic's suffix after the last ':' (e.g. {@code
   * notifications:<sub>}).
   */
  OWN("own"),
  /** Only users whose token's {@code topics} claim lists the topic. */
  CLAIM("claim");

  private final String configName;

  JoinAccess(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  static JoinAccess parse(String name) {
    for (JoinAccess access : values()) {
      if (access.configName.equals(name)) {
        return access;
      }
    }
    return null;
  }
}
