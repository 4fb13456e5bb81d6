package io.switchboard.channel;

/**
 * {@code server-push}: only backends publish (the default {@link #handlePublish}); client events
 * are refused with {@code push not allowed} (the default {@link #accept}).
 */
final class ServerPushChannel implements ChannelBehaviour {}
