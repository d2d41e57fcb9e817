package dev.wsquota.it.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.UUID;

/**
 * JWTs for the tests, made with the JDK only: an RS256 key pair the server trusts (generated per test
 * run and handed to the deployment as MicroProfile Config), a second one it does not know, and
 * tokens signed, unsigned or tampered with.
 */
public final class Jwt {

    public static final String ISSUER = "https://idp.wsquota.test";
    public static final KeyPair TRUSTED = generate();
    public static final KeyPair UNKNOWN = generate();

    private Jwt() {
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA in this JDK", e);
        }
    }

    /** The trusted public key as PEM, for mp.jwt.verify.publickey. */
    public static String trustedPublicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(TRUSTED.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----";
    }

    /** MicroProfile Config text that makes the server trust {@link #TRUSTED} for issuer {@link #ISSUER}. */
    public static String mpConfig() {
        return "mp.jwt.verify.publickey=" + trustedPublicKeyPem().replace("\n", "\\n") + "\n"
                + "mp.jwt.verify.issuer=" + ISSUER + "\n";
    }

    /** A valid token for this user (upn and sub), for 10 minutes. */
    public static String valid(String upn) {
        return signed(claims(upn, ISSUER, now() + 600), TRUSTED.getPrivate());
    }

    /** A valid token whose {@code groups} claim holds exactly these groups. */
    public static String withGroups(String upn, String... groups) {
        StringBuilder list = new StringBuilder();
        for (String group : groups) {
            list.append(list.length() == 0 ? "" : ",").append(json(group));
        }
        return signed(claims(upn, ISSUER, now() + 600).replace("\"groups\":[\"user\"]", "\"groups\":[" + list + "]"),
                TRUSTED.getPrivate());
    }

    public static String expired(String upn) {
        return signed(claims(upn, ISSUER, now() - 7200, now() - 3600), TRUSTED.getPrivate());
    }

    public static String wrongIssuer(String upn) {
        return signed(claims(upn, "https://evil.example", now() + 600), TRUSTED.getPrivate());
    }

    public static String wrongKey(String upn) {
        return signed(claims(upn, ISSUER, now() + 600), UNKNOWN.getPrivate());
    }

    /** {"alg":"none"} with an empty signature. */
    public static String unsigned(String upn) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims(upn, ISSUER, now() + 600)) + ".";
    }

    /** A valid signature of one payload, glued to another payload that names someone else. */
    public static String tampered(String signedFor, String claimedUpn) {
        String[] good = valid(signedFor).split("\\.");
        return good[0] + "." + b64(claims(claimedUpn, ISSUER, now() + 600)) + "." + good[2];
    }

    /** A token without an exp claim. */
    public static String withoutExpiry(String upn) {
        String claims = "{\"iss\":" + json(ISSUER) + ",\"sub\":" + json(upn) + ",\"upn\":" + json(upn)
                + ",\"iat\":" + now() + ",\"jti\":" + json(UUID.randomUUID().toString()) + ",\"groups\":[\"user\"]}";
        return signed(claims, TRUSTED.getPrivate());
    }

    private static String claims(String upn, String issuer, long exp) {
        return claims(upn, issuer, now() - 5, exp);
    }

    private static String claims(String upn, String issuer, long iat, long exp) {
        return "{\"iss\":" + json(issuer) + ",\"sub\":" + json(upn) + ",\"upn\":" + json(upn)
                + ",\"iat\":" + iat + ",\"exp\":" + exp + ",\"jti\":" + json(UUID.randomUUID().toString())
                + ",\"groups\":[\"user\"]}";
    }

    private static String signed(String claims, PrivateKey key) {
        String input = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    public static String json(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
