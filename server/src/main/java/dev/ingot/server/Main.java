package dev.ingot.server;

import dev.ingot.server.config.ConfigException;
import dev.ingot.server.config.IngotConfig;

public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        IngotConfig config;
        try {
            config = IngotConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("ingot: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println(config);
    }
}
