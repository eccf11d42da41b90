package org.dpl4j.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The lines of a dataset's text file (class names, split lists), which must be UTF-8. */
final class TextLines {
    private TextLines() {}

    /** @throws DatasetException naming {@code dataset} and the file when it is not UTF-8 text */
    static List<String> read(Path file, String dataset) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DatasetException(dataset + ": " + file + " is not UTF-8 text", e);
        }
    }
}
