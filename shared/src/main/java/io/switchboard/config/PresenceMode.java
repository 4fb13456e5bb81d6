package io.switchboard.config;

/**
 * Whether a channel rule tracks who is on its topics ({@code channels[].presence}), and what its
 * subscribers hear about it.
 */
public enum PresenceMode {
  /** No presence (the default for every kind). */
  OFF("off"),
  /**
   * Every joiner is tracked; subscribers get Phoenix Presence's {@code presence_state} and {@code
   * presence_diff}, so the stock phoenix.js {@code Presence} class works unchanged.
   */
  LIST("list"),
  /**
   * Every joiner is tracked, but subscribers get only {@code presence_count {"count": n}} (distinct
   * users): for rooms too big to list.
   */
  COUNT("count");

  private final String configName;

  PresenceMode(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  static PresenceMode parse(String name) {
    for (PresenceMode mode : values()) {
      if (mode.configName.equals(name)) {
        return mode;
      }
    }
    return null;
  }
}
