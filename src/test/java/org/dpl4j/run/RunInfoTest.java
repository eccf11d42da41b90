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
        return trainInfo("ivlp", RunInfo.STREAM);
    }

    private static RunInfo trainInfo(String method, String mechanism) {
        DataSpec spec = new DataSpec("imagefolder", Path.of("/data"), 1, 1, "all");
        DatasetSplits data = new DatasetSplits("pets", List.of("cat"), List.of(), List.of(), List.of());
        return RunInfo.start("train", method, mechanism, spec, data, List.of("train"), null, Map.of("sgd", Map.of("lr", 0.01)),
                new ModelRef("/m", "random", "abc", null), "dpl4j train ...");
    }

    /** run.json as format 2 wrote it: no mechanism, {@code "format": 2}. */
    private static ObjectNode format2(RunInfo info) {
        ObjectNode old = Json.PRETTY.valueToTree(info);
        old.remove("mechanism");
        old.put("format", 2);
        return old;
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
        assertThat(json.get("format").asInt()).isEqualTo(RunInfo.FORMAT).isEqualTo(4);
        assertThat(json.path("mechanism").asText()).isEqualTo(RunInfo.STREAM);
    }

    @Test
    void aFormat2RunReadsWithTheMechanismItsMethodHadThen() {
        for (String[] c : new String[][] {{"ivlp", "key-value"}, {"vpt-deep", "key-value"}, {"dpl", "key-value"},
                {"maple", "stream"}, {"cocoop", "cocoop"}}) {
            ObjectNode up = RunInfo.upgrade(format2(trainInfo(c[0], RunInfo.STREAM)));
            assertThat(up.path("mechanism").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(up.path("format").asInt()).isEqualTo(RunInfo.FORMAT);
            List<String> fields = new java.util.ArrayList<>();
            up.fieldNames().forEachRemaining(fields::add);
            assertThat(fields.indexOf("mechanism")).isEqualTo(fields.indexOf("method") + 1);
        }
        // read as what they were: the key/value layouts, under the names they have now
        assertThat(RunInfo.upgrade(format2(trainInfo("ivlp", RunInfo.STREAM))).path("method").asText()).isEqualTo("kv-ivlp");
        assertThat(RunInfo.upgrade(format2(trainInfo("vpt-deep", RunInfo.STREAM))).path("method").asText()).isEqualTo("kv-vpt-deep");
        assertThat(RunInfo.upgrade(format2(trainInfo("maple", RunInfo.STREAM))).path("method").asText()).isEqualTo("maple");
    }

    @Test
    void anOldKeyValueIvlpRunIsNeverResumedAsTheOfficialMethod() throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("old-ivlp"));
        run.create();
        run.writeJson(RunDirectory.RUN, format2(trainInfo("ivlp", RunInfo.KEY_VALUE)));
        assertThatThrownBy(() -> RunIdentity.TRAIN.checkSame(run, trainInfo("ivlp", RunInfo.STREAM)))
                .hasMessageContaining("method was \"kv-ivlp\", now \"ivlp\"")
                .hasMessageContaining("'ivlp' now names the published method")
                .hasMessageContaining("that layout is 'kv-ivlp'");
        // the same layout under its present name is that run
        RunIdentity.TRAIN.checkSame(run, trainInfo("kv-ivlp", RunInfo.KEY_VALUE));
    }

    /** A format-3 run.json's settings, as format 3 wrote them: the SGD fields among the others. */
    private static ObjectNode format3(String kind, String settings) throws IOException {
        return (ObjectNode) Json.PRETTY.readTree("""
                {"format": 3, "kind": "%s", "method": "dpl", "mechanism": "key-value", "settings": %s, "command": "x"}
                """.formatted(kind, settings));
    }

    @Test
    void aFormat3RunReadsWithItsSgdFieldsGatheredWhereTheyWere() throws IOException {
        ObjectNode train = RunInfo.upgrade(format3("train", """
                {"epochs": 2, "batchSize": 4, "lr": 0.01, "momentum": 0.9, "weightDecay": 5.0E-4, "warmupEpochs": 1,
                 "warmupLr": 1.0E-5, "initStd": 0.02, "seed": 1}"""));
        assertThat(train.toString()).isEqualTo("{\"format\":4,\"kind\":\"train\",\"method\":\"dpl\",\"mechanism\":\"key-value\","
                + "\"settings\":{\"epochs\":2,\"batchSize\":4,\"sgd\":{\"lr\":0.01,\"momentum\":0.9,\"weightDecay\":5.0E-4,"
                + "\"warmupEpochs\":1,\"warmupLr\":1.0E-5},\"initStd\":0.02,\"seed\":1},\"command\":\"x\"}");
        ObjectNode search = RunInfo.upgrade(format3("search", """
                {"candidates": [0, 1], "epochs": 2, "valBatch": 16, "promptLr": 0.0035, "momentum": 0.9, "weightDecay": 5.0E-4,
                 "warmupEpochs": 1, "warmupLr": 1.0E-5, "alphaLr": 0.0035}"""));
        assertThat(search.path("settings").toString()).isEqualTo("{\"candidates\":[0,1],\"epochs\":2,\"valBatch\":16,"
                + "\"sgd\":{\"lr\":0.0035,\"momentum\":0.9,\"weightDecay\":5.0E-4,\"warmupEpochs\":1,\"warmupLr\":1.0E-5},"
                + "\"alphaLr\":0.0035}");
        ObjectNode zeroShot = format3("zeroshot", "{\"templates\": \"handcrafted\", \"evalBatch\": 64}");
        assertThat(RunInfo.upgrade(zeroShot).path("settings")).as("no SGD, nothing gathered").isEqualTo(zeroShot.path("settings"));
        assertThat(RunInfo.upgrade(train)).as("format 4 is read as it is").isEqualTo(train);
    }
}
