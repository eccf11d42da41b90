package org.dpl4j.util;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import java.io.IOException;

/**
 * Jackson's exception messages span two lines (the problem, then "at [Source: ...; line: L, column: C]"),
 * while the project's errors are one line naming the file; this is the problem and where, in one line,
 * for a message that names the file itself. Readers of JSON files catch {@code JacksonException} and
 * {@code CharConversionException} (which Jackson throws outside its own hierarchy) and give both here.
 */
public final class JsonProblem {
    private JsonProblem() {}

    /**
     * E.g. {@code Unexpected end-of-input: expected close marker for Object (line 3, column 1)}; for the other
     * exceptions reading JSON throws (Jackson's CharConversionException when the bytes are not the UTF-8, -16
     * or -32 it guessed, an I/O error), their message on one line.
     */
    public static String of(IOException error) {
        String m = error instanceof JacksonException j ? j.getOriginalMessage() : error.getMessage();
        String problem = (m == null ? error.getClass().getSimpleName() : m).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        if (!(error instanceof JacksonException e)) {
            return problem;
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? problem
                : problem + " (line " + at.getLineNr() + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "") + ")";
    }
}
