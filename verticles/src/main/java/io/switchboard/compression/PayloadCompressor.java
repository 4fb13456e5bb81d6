package io.switchboard.compression;

import io.switchboard.config.ChannelRule;
import io.switchboard.metrics.SwitchboardMeters;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.zip.Deflater;

/**
 * The payload-compression extension: a JSON payload larger than the channel's {@code
 * compressAboveBytes} becomes {@code {"compressed": true, "encoding": "zlib+base64", "data":
 * "<base64 of zlib(payload)>"}}. Runs once per broadcast, before the frame is encoded, so every
 * subscriber on every node gets the same compressed bytes. One instance per verticle (the Deflater
 * is reused and not thread-safe).
 */
public final class PayloadCompressor {
  public static final String ENCODING = "zlib+base64";

  private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
  private static final String PREFIX =
      "{\"compressed\":true,\"encoding\":\"" + ENCODING + "\",\"data\":\"";
  private static final String SUFFIX = "\"}";

  private final byte[] chunk = new byte[8192];
  private final SwitchboardMeters meters;

  public PayloadCompressor(SwitchboardMeters meters) {
    this.meters = meters;
  }

  /**
   * The payload to broadcast on a channel: compressed when the rule asks for it and it is worth it.
   */
  public Buffer apply(ChannelRule.Options options, Buffer jsonPayload) {
    if (!options.compresses(jsonPayload.length())) {
      return jsonPayload;
    }
    byte[] zlib = deflate(jsonPayload.getBytes());
    int wrapped = PREFIX.length() + 4 * ((zlib.length + 2) / 3) + SUFFIX.length();
    if (wrapped >= jsonPayload.length()) {
      // Incompressible (random ids, already-compressed data in base64): the wrapped form would be
      // larger.
      return jsonPayload;
    }
    Buffer out =
        Buffer.buffer(wrapped)
            .appendString(PREFIX)
            .appendBytes(Base64.getEncoder().encode(zlib))
            .appendString(SUFFIX);
    meters.compressed(jsonPayload.length(), out.length());
    return out;
  }

  private byte[] deflate(byte[] input) {
    deflater.reset();
    deflater.setInput(input);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 3 + 16);
    while (!deflater.finished()) {
      int n = deflater.deflate(chunk);
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }
}
