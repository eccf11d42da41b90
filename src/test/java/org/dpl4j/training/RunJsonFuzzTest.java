package org.dpl4j.training;

import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.run.RunIdentity;
import org.dpl4j.testutil.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A train run's {@code run.json} on fuzzed bytes, read the two ways the project reads it: as a
 * finished run for {@code eval}/{@code predict}/{@code export} ({@link TrainedRun#read}), and as the
 * record a resumed or reused run is checked against ({@link RunIdentity#checkSame}, against the
 * run.json of a real tiny train run, {@link #RECORDED}). A run that reads must give what eval uses
 * (model dims, settings, class names, the run's templates); a check either passes or refuses. Every
 * refusal must be an IOException, or checkSame's IllegalStateException, whose one line names the
 * run.json (or the run's folder).
 */
class RunJsonFuzzTest {
    /** run.json of {@code TinyRun.train} (IVLP on the golden tiny CLIP, demo Oxford Pets), as a seed holds it. */
    static final String RECORDED = "/org/dpl4j/training/RunJsonFuzzTestInputs/readsOrRefuses/tiny-train-run.json";
    static Path dir;
    static JsonNode recorded;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("dpl4j-fuzz-run-json");
        Files.createFile(dir.resolve(RunDirectory.PROMPTS)); // TrainedRun.read only asks that it exists
        try (var in = RunJsonFuzzTest.class.getResourceAsStream(RECORDED)) {
            recorded = Json.PRETTY.readTree(in);
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        FuzzFiles.delete(dir);
    }

    @FuzzTest
    @DictionaryEntries({"\"format\"", "\"kind\"", "\"train\"", "\"model\"", "\"config\"", "\"settings\"", "\"classNames\"",
        "\"path\"", "\"sha256\"", "\"precision\"", "\"textInput\"", "\"dataset\"", "\"root\""})
    void readsOrRefuses(byte[] data) throws Exception {
        Path file = FuzzFiles.write(dir.resolve(RunDirectory.RUN), data);
        TrainedRun run = returnsOrRefuses(() -> TrainedRun.read(dir), dir.toString(), IOException.class);
        if (run != null) {
            // model dims may be absent (then the model file's own); what eval and predict use may not
            if (run.settings() == null || run.classNames().isEmpty() || run.modelPath() == null) {
                throw new AssertionError("a run without settings, class names or model: " + run);
            }
            List<String> templates = run.templates(run.dataset());
            if (templates.isEmpty()) {
                throw new AssertionError("no templates for " + run);
            }
        }
        returnsOrRefuses(() -> {
            RunIdentity.TRAIN.checkSame(new RunDirectory(dir), recorded);
            return null;
        }, file.toString(), IOException.class, IllegalStateException.class);
    }
}
