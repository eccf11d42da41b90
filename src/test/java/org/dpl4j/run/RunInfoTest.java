package org.dpl4j.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dpl4j.data.DataSpec;
import org.dpl4j.data.DatasetSplits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What run.json records about image decoding and its format, and that they take part in the resume check. */
class RunInfoTest {
    @TempDir
    Path tmp;

    private static RunInfo trainInfo() {
        DataSpec spec = new DataSpec("imagefolder", Path.of("/data"), 1, 1, "all");
        DatasetSplits data = new DatasetSplits("pets", List.of("cat"), List.of(), List.of(), List.of());
        return RunInfo.start("train", "ivlp", spec, data, List.of("train"), null, Map.of("lr", 0.01),
                new ModelRef("/m", "random", "abc", null), "dpl4j train ...");
    }

    @Test
    void runJsonRecordsDasslDecodingOrder() {
        JsonNode json = Json.PRETTY.valueToTree(trainInfo());
        assertThat(json.path("imageDecoding").asText()).isEqualTo("Dassl: convert(\"RGB\"), then resize");
    }

    @Test
    void aRunRecordedWithoutTheDecodingOrderIsNotResumed() throws IOException {
        // Runs written before the order was recorded resized palette/RGBA images first (OpenAI's order).
        ObjectNode old = Json.PRETTY.valueToTree(trainInfo());
        old.remove("imageDecoding");
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        run.create();
        run.writeJson(RunDirectory.RUN, old);
        assertThatThrownBy(() -> RunIdentity.TRAIN.checkSame(run, trainInfo()))
                .hasMessageContaining("imageDecoding is new (\"Dassl: convert(\\\"RGB\\\"), then resize\")");
    }

    @Test
    void runJsonStartsWithItsFormat() {
        JsonNode json = Json.PRETTY.valueToTree(trainInfo());
        assertThat(json.fieldNames().next()).isEqualTo("format");
        assertThat(json.get("format").asInt()).isEqualTo(RunInfo.FORMAT).isEqualTo(2);
    }
}
