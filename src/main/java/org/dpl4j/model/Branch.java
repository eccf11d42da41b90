package org.dpl4j.model;

import java.util.Locale;

/** The two CLIP towers; prompts, alphas and configurations are kept per branch. */
public enum Branch {
    TEXT,
    IMAGE;

    /** Lower-case name used in files and tensor names ({@code text}, {@code image}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
