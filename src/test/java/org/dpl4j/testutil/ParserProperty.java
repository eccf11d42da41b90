package org.dpl4j.testutil;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * The property every fuzz target checks (issue 26): a parser of outside bytes either returns a value
 * (which the target then puts through the checks downstream code relies on) or refuses the input with
 * one of the project's own errors, whose message is one line naming the input at fault. Anything
 * else escapes and is a finding: an unchecked exception from inside the parser, an error type the
 * caller does not expect, a multi-line message (a raw Jackson or libtorch message), or a message that
 * does not say which file is bad.
 */
public final class ParserProperty {
    private ParserProperty() {}

    /**
     * Runs {@code parse}; returns its value, or null when it threw an allowed error with a one-line
     * message that contains {@code names} (skipped when null). Any other throwable is rethrown as it is,
     * or as an {@link AssertionError} that carries it when the type was allowed but the message is not.
     */
    @SafeVarargs
    public static <T> T returnsOrRefuses(Callable<T> parse, String names, Class<? extends Throwable>... allowed)
            throws Exception {
        try {
            return parse.call();
        } catch (Exception e) {
            if (List.of(allowed).stream().noneMatch(c -> c.isInstance(e))) {
                throw e;
            }
            checkMessage(e, names);
            return null;
        }
    }

    /** Fails unless {@code e}'s message is one non-blank line that contains {@code names} (when not null). */
    public static void checkMessage(Throwable e, String names) {
        String m = e.getMessage();
        if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
            throw new AssertionError("not a one-line message: " + e.getClass().getName() + ": " + m, e);
        }
        if (names != null && !m.contains(names)) {
            throw new AssertionError("the message does not name " + names + ": " + m, e);
        }
    }
}
