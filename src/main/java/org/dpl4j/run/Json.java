package org.dpl4j.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The project's shared Jackson mappers. */
public final class Json {
    /** Pretty-printed, for files people read. */
    public static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** One line per value, for JSONL. */
    public static final ObjectMapper LINE = new ObjectMapper();

    private Json() {}
}
