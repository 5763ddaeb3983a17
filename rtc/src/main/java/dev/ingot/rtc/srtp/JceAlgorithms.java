package dev.ingot.rtc.srtp;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Security;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;

/**
 * Obtains JCE primitives from the JDK's own SunJCE provider when it is installed, so that a provider registered ahead
 * of it (Bouncy Castle, for DTLS) does not replace the intrinsic-accelerated AES and SHA-1 on the packet path.
 */
final class JceAlgorithms {

    private static final String PREFERRED_PROVIDER = "SunJCE";

    private JceAlgorithms() {
    }

    static Cipher cipher(String transformation) {
        try {
            if (Security.getProvider(PREFERRED_PROVIDER) != null) {
                try {
                    return Cipher.getInstance(transformation, PREFERRED_PROVIDER);
                } catch (NoSuchAlgorithmException | NoSuchProviderException | NoSuchPaddingException e) {
                    // fall through to any provider
                }
            }
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks " + transformation, e);
        }
    }

    static Mac mac(String algorithm) {
        try {
            if (Security.getProvider(PREFERRED_PROVIDER) != null) {
                try {
                    return Mac.getInstance(algorithm, PREFERRED_PROVIDER);
                } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
                    // fall through to any provider
                }
            }
            return Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks " + algorithm, e);
        }
    }
}
