package io.switchboard.config;

/**
 * Bad configuration: the message names the key and says what is accepted. Fails the node's start.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String problem) {
    super("config key '" + key + "': " + problem);
  }
}
