package org.dpl4j.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The dpl4j installation folder (repository root): bundled model and demo data live there. */
final class Home {
    private Home() {}

    static Path get() {
        String prop = System.getProperty("dpl4j.home");
        if (prop != null) {
            return Path.of(prop);
        }
        try {
            // target/dpl4j.jar or target/classes → the repository root
            Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("models")) || Files.isRegularFile(p.resolve("pom.xml"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through
        }
        return Path.of(".").toAbsolutePath().normalize();
    }
}
