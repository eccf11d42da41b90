package org.dpl4j.util;

/**
 * Keeps DJL offline: the PyTorch natives come from the Maven jars on the class path and are
 * never downloaded. Must run before the first DJL call.
 */
public final class EngineSetup {
    private EngineSetup() {}

    public static void offline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        // DJL logs engine details at INFO; users want our output, not the engine's
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "warn");
        // DJL probes CUDA on every engine start and warns on CPU-only hosts with a stale driver;
        // --device gpu reports a missing GPU itself, so the probe's warning is only noise
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info"));
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
    }
}
