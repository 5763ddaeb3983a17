package dev.ingot.rtc.srtp;

import java.util.Arrays;

/**
 * An SRTP master key and master salt (RFC 3711 §3.2.1), the input of session key derivation. The arrays are copied
 * in and out; {@link #toString()} does not reveal them.
 */
public record SrtpMasterKey(byte[] key, byte[] salt) {

    public SrtpMasterKey {
        key = key.clone();
        salt = salt.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** Whether the key and salt lengths are those the profile requires. */
    public boolean fits(SrtpProfile profile) {
        return key.length == profile.masterKeyLength() && salt.length == profile.masterSaltLength();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpMasterKey other && Arrays.equals(key, other.key) && Arrays.equals(salt, other.salt);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "SrtpMasterKey[key=" + key.length + " bytes, salt=" + salt.length + " bytes]";
    }
}
