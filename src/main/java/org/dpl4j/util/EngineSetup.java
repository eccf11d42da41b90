package org.dpl4j.util;

/**
 * Process-wide settings every entry point applies before its first tensor: logging that shows
 * our output rather than the libraries', and JavaCPP's loader told to prefer the bundled libtorch
 * (see {@code org.dpl4j.tensor.Torch}, which loads it).
 */
public final class EngineSetup {
    private EngineSetup() {}

    public static void configure() {
        System.setProperty("org.bytedeco.javacpp.pathsFirst", "false");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info"));
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
    }
}
