package dev.ingot.rtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IceCredentialsTest {

    @Test
    void randomCredentialsHaveTheRightLengthsAndOnlyIceChars() {
        SecureRandom rng = new SecureRandom();
        Set<String> ufrags = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            IceCredentials c = IceCredentials.random(rng);
            assertThat(c.ufrag()).hasSize(8).matches("[A-Za-z0-9+/]+");
            assertThat(c.pwd()).hasSize(24).matches("[A-Za-z0-9+/]+");
            ufrags.add(c.ufrag());
        }
        assertThat(ufrags).hasSizeGreaterThan(195);
    }

    @Test
    void randomUsesEveryIceChar() {
        Random rng = new Random(1);
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            for (char c : IceCredentials.random(rng).pwd().toCharArray()) {
                seen.add(c);
            }
        }
        assertThat(seen).hasSize(64);
    }

    @Test
    void rejectsTooShortOrNonIceCharCredentials() {
        String pwd = "abcdefghijklmnopqrstuv"; // 22
        assertThat(new IceCredentials("abcd", pwd).ufrag()).isEqualTo("abcd");
        assertThatThrownBy(() -> new IceCredentials("abc", pwd)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IceCredentials("abcd", pwd.substring(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IceCredentials("ab:d", pwd)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IceCredentials("abcd", pwd + " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IceCredentials("abcd", pwd.replace('a', 'é'))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringHidesThePassword() {
        IceCredentials c = new IceCredentials("abcd", "secretsecretsecretsecret");
        assertThat(c.toString()).contains("abcd").doesNotContain("secret");
    }
}
