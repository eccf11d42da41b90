package org.dpl4j.util;

/** The dpl4j version recorded in run provenance. */
public final class Version {
    private Version() {}

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
