package org.dpl4j.util;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;

/**
 * Jackson's exception messages span two lines (the problem, then "at [Source: ...; line: L, column: C]"),
 * while the project's errors are one line naming the file; this is the problem and where, in one line,
 * for a message that names the file itself.
 */
public final class JsonProblem {
    private JsonProblem() {}

    /** E.g. {@code Unexpected end-of-input: expected close marker for Object (line 3, column 1)}. */
    public static String of(JacksonException e) {
        String m = e.getOriginalMessage();
        String problem = (m == null ? e.getClass().getSimpleName() : m).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? problem
                : problem + " (line " + at.getLineNr() + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "") + ")";
    }
}
