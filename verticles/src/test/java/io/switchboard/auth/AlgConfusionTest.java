package io.switchboard.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.switchboard.support.Await;
import io.switchboard.support.ForgedJwts;
import io.switchboard.support.LogScan;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Algorithm confusion: a node configured with a public key (RS256, and ES256) takes tokens signed
 * with the matching private key only. The classic attack, an HS256 token whose HMAC key is the
 * public key itself (its PEM text, with or without the last newline, or its DER bytes), is refused
 * with 403, as are {@code alg: none}, another key pair and another algorithm; a bystander signed
 * properly is served throughout. What makes it impossible rather than merely refused: the config
 * takes exactly one key kind per node ({@code auth.secret} only with HS256, {@code auth.publicKey}
 * only with RS256/ES256, else the start fails), so the verifier of a public-key node holds no HMAC
 * key at all, and an HS256 node holds no public key to confuse.
 */
@ExtendWith(LogScan.class)
class AlgConfusionTest {

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static String claims(String sub) {
    return new JsonObject().put("sub", sub).put("exp", now() + 600).encode();
  }

  private static TestNode start(String algorithm, KeyPair keys) {
    return TestNode.start(
        c -> c.auth().secret("").algorithm(algorithm).publicKey(ForgedJwts.pem(keys.getPublic())));
  }

  private static int refusedStatus(TestNode node, String token) {
    Throwable err =
        Await.failure(
            node.client()
                .connect(TestSocket.options(node.port(), "token=" + token + "&vsn=2.0.0")));
    return assertInstanceOf(UpgradeRejectedException.class, err, "expected a refusal, got " + err)
        .getStatus();
  }

  /** The public key as an attacker who read it would use it for an HMAC secret. */
  private static Map<String, String> confusions(KeyPair keys) {
    String pem = ForgedJwts.pem(keys.getPublic());
    Map<String, String> a = new LinkedHashMap<>();
    String header = ForgedJwts.HS256;
    a.put(
        "HS256 keyed with the PEM", ForgedJwts.hmac(header, claims("admin"), pem.getBytes(UTF_8)));
    a.put(
        "HS256 keyed with the PEM without its last newline",
        ForgedJwts.hmac(header, claims("admin"), pem.trim().getBytes(UTF_8)));
    a.put(
        "HS256 keyed with the DER bytes",
        ForgedJwts.hmac(header, claims("admin"), keys.getPublic().getEncoded()));
    a.put(
        "HS256 keyed with the base64 of the DER",
        ForgedJwts.hmac(
            header,
            claims("admin"),
            Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()).getBytes(UTF_8)));
    a.put(
        "HS256 keyed with the test node's HS256 secret",
        ForgedJwts.hmac(header, claims("admin"), TestNode.SECRET.getBytes(UTF_8)));
    a.put("alg none", ForgedJwts.raw("{\"alg\":\"none\"}", claims("admin"), ""));
    return a;
  }

  @Test
  void anRs256NodeRefusesItsPublicKeyUsedAsAnHmacSecret() {
    KeyPair keys = ForgedJwts.rsaKeyPair();
    try (TestNode node = start("RS256", keys)) {
      String good = ForgedJwts.rsa(ForgedJwts.RS256, claims("bystander"), keys.getPrivate());
      try (TestSocket bystander = node.connectWithQuery("token=" + good + "&vsn=2.0.0")) {
        Map<String, String> attacks = confusions(keys);
        attacks.put(
            "RS256 signed by another key pair",
            ForgedJwts.rsa(
                ForgedJwts.RS256, claims("admin"), ForgedJwts.rsaKeyPair().getPrivate()));
        attacks.put(
            "RS512 signed by the right key",
            sign("{\"alg\":\"RS512\"}", claims("admin"), keys.getPrivate(), "SHA512withRSA"));
        attacks.put(
            "ES256 header over the right RS256 signature",
            ForgedJwts.raw(
                "{\"alg\":\"ES256\"}", claims("admin"), good.substring(good.lastIndexOf('.') + 1)));
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
          assertEquals(403, refusedStatus(node, attack.getValue()), attack.getKey());
        }
        assertEquals("ok", TestSocket.status(bystander.join("1", "room:alg")));
      }
    }
  }

  @Test
  void anEs256NodeRefusesItsPublicKeyUsedAsAnHmacSecret() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    try (TestNode node = start("ES256", keys)) {
      String good =
          sign(
              "{\"alg\":\"ES256\"}",
              claims("bystander"),
              keys.getPrivate(),
              "SHA256withECDSAinP1363Format");
      try (TestSocket bystander = node.connectWithQuery("token=" + good + "&vsn=2.0.0")) {
        Map<String, String> attacks = confusions(keys);
        attacks.put(
            "ES256 signed by another key pair",
            sign(
                "{\"alg\":\"ES256\"}",
                claims("admin"),
                generator.generateKeyPair().getPrivate(),
                "SHA256withECDSAinP1363Format"));
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
          assertEquals(403, refusedStatus(node, attack.getValue()), attack.getKey());
        }
        assertEquals("ok", TestSocket.status(bystander.join("1", "room:alg")));
      }
    }
  }

  private static String sign(String header, String claims, PrivateKey key, String algorithm) {
    String input = ForgedJwts.b64url(header) + "." + ForgedJwts.b64url(claims);
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(key);
      signature.update(input.getBytes(UTF_8));
      return LogScan.secret(input + "." + ForgedJwts.b64url(signature.sign()));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
