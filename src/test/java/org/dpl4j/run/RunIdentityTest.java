package org.dpl4j.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared resume check: a run directory is resumed or reused only by the run it records. Which
 * fields may differ, how the first difference is named, how a folder of another kind is refused,
 * and how the run.json of an earlier format is read.
 */
class RunIdentityTest {
    @TempDir
    Path tmp;

    /** A train run.json as TrainJob writes it (the fields that matter here). */
    private static ObjectNode trainRun() throws IOException {
        return (ObjectNode) Json.PRETTY.readTree("""
                {"format": 4, "kind": "train", "method": "ivlp", "mechanism": "stream", "dataset": "OxfordPets", "root": "/data", "shots": 2, "seed": 1,
                 "subsample": "all", "splitSizes": {"train": 6, "val": 6, "test": 72},
                 "classNames": ["abyssinian", "american bulldog", "bengal"],
                 "promptConfig": {"text": [0, 2, 2], "image": [2, 2, 2], "context": 2},
                 "settings": {"epochs": 1, "sgd": {"lr": 0.01}, "workers": 1, "evalBatch": 64, "seed": 1},
                 "model": {"path": "/models/a", "format": "OPENAI_SAFETENSORS", "sha256": "abc", "config": {"embed_dim": 32}},
                 "started": "2026-01-01T00:00:00Z", "dpl4jVersion": "1.0", "command": "dpl4j train ..."}
                """);
    }

    private RunDirectory recorded(JsonNode info) throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        run.create();
        run.writeJson(RunDirectory.RUN, info);
        return run;
    }

    private static ObjectNode with(ObjectNode info, String dotted, JsonNode value) {
        ObjectNode copy = info.deepCopy();
        String[] parts = dotted.split("\\.");
        ObjectNode parent = copy;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        parent.set(parts[parts.length - 1], value);
        return copy;
    }

    @Test
    void speedAndBookkeepingFieldsMayDifferOnResume() throws IOException {
        RunDirectory run = recorded(trainRun());
        ObjectNode now = trainRun();
        now = with(now, "settings.workers", Json.PRETTY.valueToTree(16));
        now = with(now, "settings.evalBatch", Json.PRETTY.valueToTree(8));
        now = with(now, "started", Json.PRETTY.valueToTree("2026-02-02T00:00:00Z"));
        now = with(now, "dpl4jVersion", Json.PRETTY.valueToTree("2.0"));
        now = with(now, "command", Json.PRETTY.valueToTree("dpl4j run ..."));
        now = with(now, "model.path", Json.PRETTY.valueToTree("/elsewhere/a"));
        ObjectNode finalNow = now;
        assertThatCode(() -> RunIdentity.TRAIN.checkSame(run, finalNow)).doesNotThrowAnyException();
    }

    @Test
    void everyOtherFieldMustMatchAndTheMessageNamesIt() throws IOException {
        RunDirectory run = recorded(trainRun());
        String file = run.file(RunDirectory.RUN).toString();
        record Change(String path, JsonNode value, String named) {}
        List<Change> changes = List.of(
                new Change("settings.sgd.lr", Json.PRETTY.valueToTree(0.02), "settings.sgd.lr was 0.01, now 0.02"),
                new Change("seed", Json.PRETTY.valueToTree(2), "seed was 1, now 2"),
                new Change("shots", Json.PRETTY.valueToTree(4), "shots was 2, now 4"),
                new Change("subsample", Json.PRETTY.valueToTree("base"), "subsample was \"all\", now \"base\""),
                new Change("dataset", Json.PRETTY.valueToTree("DescribableTextures"), "dataset was \"OxfordPets\""),
                new Change("root", Json.PRETTY.valueToTree("/other"), "root was \"/data\", now \"/other\""),
                new Change("method", Json.PRETTY.valueToTree("coop"), "method was \"ivlp\", now \"coop\""),
                new Change("model.sha256", Json.PRETTY.valueToTree("def"), "model.sha256 was \"abc\", now \"def\""),
                new Change("splitSizes.test", Json.PRETTY.valueToTree(70), "splitSizes.test was 72, now 70"),
                new Change("classNames", Json.PRETTY.valueToTree(List.of("abyssinian", "beagle", "bengal")),
                        "classNames.1 was \"american bulldog\", now \"beagle\""),
                new Change("promptConfig.image", Json.PRETTY.valueToTree(List.of(2, 0, 2)),
                        "promptConfig.image.1 was 2, now 0"));
        for (Change c : changes) {
            ObjectNode now = with(trainRun(), c.path(), c.value());
            assertThatThrownBy(() -> RunIdentity.TRAIN.checkSame(run, now)).as(c.path())
                    .hasMessageStartingWith(file + " records a different run (")
                    .hasMessageContaining(c.named())
                    .hasMessageEndingWith("use another output folder or the same settings and data");
        }
    }

    @Test
    void aFieldAddedOrRemovedIsNamed() throws IOException {
        RunDirectory run = recorded(trainRun());
        ObjectNode removed = trainRun();
        ((ObjectNode) removed.get("settings").get("sgd")).remove("lr");
        assertThatThrownBy(() -> RunIdentity.TRAIN.checkSame(run, removed)).hasMessageContaining("settings.sgd.lr was 0.01, now absent");
        ObjectNode added = with(trainRun(), "settings.distill", Json.PRETTY.valueToTree(0.5));
        assertThatThrownBy(() -> RunIdentity.TRAIN.checkSame(run, added)).hasMessageContaining("settings.distill is new (0.5)");
    }

    @Test
    void aFolderOfAnotherKindIsRefusedNamingItsRunJson() throws IOException {
        ObjectNode search = with(trainRun(), "kind", Json.PRETTY.valueToTree("search"));
        RunDirectory run = recorded(search);
        String file = run.file(RunDirectory.RUN).toString();
        assertThatThrownBy(() -> RunIdentity.TRAIN.checkSame(run, trainRun()))
                .hasMessage(file + " records a search run, not a train run; use another output folder");
        assertThatThrownBy(() -> RunIdentity.TRAIN.read(run, "pass a train run"))
                .hasMessage(file + " records a search run, not a train run; pass a train run");
        // a pre-training run.json has no kind
        ObjectNode pretrain = trainRun();
        pretrain.remove("kind");
        run.writeJson(RunDirectory.RUN, pretrain);
        assertThatThrownBy(() -> RunIdentity.SEARCH.read(run, "x"))
                .hasMessage(file + " records a pre-training run, not a search run; x");
        RunIdentity pre = new RunIdentity(null, "pre-training", List.of());
        assertThatCode(() -> pre.read(run, "x")).doesNotThrowAnyException();
        run.writeJson(RunDirectory.RUN, trainRun());
        assertThatThrownBy(() -> pre.read(run, "x")).hasMessage(file + " records a train run, not a pre-training run; x");
    }

    @Test
    void aFolderWithoutRunJsonOrWithAnotherJsonIsNoRun() throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("plain"));
        run.create();
        assertThatThrownBy(() -> RunIdentity.TRAIN.read(run, "pass a train run")).hasMessage(run.file(RunDirectory.RUN)
                + " not found: " + run.dir() + " is not a dpl4j run directory; pass a train run");
        Files.writeString(run.file(RunDirectory.RUN), "[1, 2]");
        assertThatThrownBy(() -> RunIdentity.TRAIN.read(run, "y"))
                .hasMessage(run.file(RunDirectory.RUN) + " records no dpl4j run, not a train run; y");
    }

    @Test
    void recordOrCheckWritesTheFirstRecordAndKeepsIt() throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("new"));
        run.create();
        RunIdentity.TRAIN.recordOrCheck(run, trainRun());
        assertThat(run.readJson(RunDirectory.RUN)).isEqualTo(trainRun());
        ObjectNode later = with(trainRun(), "started", Json.PRETTY.valueToTree("later"));
        RunIdentity.TRAIN.recordOrCheck(run, later);
        assertThat(run.readJson(RunDirectory.RUN).get("started").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThatThrownBy(() -> RunIdentity.TRAIN.recordOrCheck(run, with(trainRun(), "shots", Json.PRETTY.valueToTree(8))))
                .hasMessageContaining("shots was 2, now 8");
    }

    /**
     * What every version before the format field wrote: the same fields, no {@code format} (nor format 3's
     * {@code mechanism}), and the SGD fields among the other settings (before format 4's {@code settings.sgd}).
     */
    private static ObjectNode unnumbered(ObjectNode info) {
        ObjectNode old = info.deepCopy();
        old.remove("format");
        old.remove("mechanism");
        ObjectNode flat = old.objectNode();
        old.get("settings").fields().forEachRemaining(e -> {
            if (e.getKey().equals("sgd")) {
                flat.setAll((ObjectNode) e.getValue());
            } else {
                flat.set(e.getKey(), e.getValue());
            }
        });
        old.set("settings", flat);
        return old;
    }

    /** {@link #trainRun()} of a DPL layout, whose name meant the same before format 3. */
    private static ObjectNode dplRun() throws IOException {
        return with(with(trainRun(), "method", Json.PRETTY.valueToTree("dpl")), "mechanism", Json.PRETTY.valueToTree("key-value"));
    }

    @Test
    void aRunJsonWithoutFormatIsReadAsTheCurrentFormatAndStillChecked() throws IOException {
        RunDirectory run = recorded(unnumbered(dplRun()));
        JsonNode read = RunIdentity.TRAIN.read(run, "x");
        assertThat(read.path("format").asInt()).as("format of an unnumbered run.json as read").isEqualTo(RunInfo.FORMAT);
        assertThat(read.fieldNames().next()).as("format first, as this version writes it").isEqualTo("format");
        assertThat(read).isEqualTo(dplRun());
        assertThatCode(() -> RunIdentity.TRAIN.checkSame(run, dplRun())).doesNotThrowAnyException();
        // the old run's settings are still compared, not waved through
        assertThatThrownBy(() -> RunIdentity.TRAIN.checkSame(run, with(dplRun(), "settings.epochs", Json.PRETTY.valueToTree(2))))
                .hasMessage(run.file(RunDirectory.RUN) + " records a different run (settings.epochs was 1, now 2);"
                        + " use another output folder or the same settings and data");
        // the file itself is left as the old version wrote it
        assertThat(run.readJson(RunDirectory.RUN).has("format")).isFalse();
        assertThat(run.readJson(RunDirectory.RUN).path("settings").path("lr").asDouble()).isEqualTo(0.01);
    }

    @Test
    void aRunJsonOfANewerOrUnknownFormatIsRefusedNamingIt() throws IOException {
        RunDirectory run = recorded(with(trainRun(), "format", Json.PRETTY.valueToTree(RunInfo.FORMAT + 1)));
        String file = run.file(RunDirectory.RUN).toString();
        assertThatThrownBy(() -> RunIdentity.TRAIN.checkSame(run, trainRun())).isInstanceOf(IOException.class)
                .hasMessage(file + ": run.json format 5 is not one this dpl4j reads (1 to 4); it was written by a newer dpl4j;"
                        + " use another output folder");
        run.writeJson(RunDirectory.RUN, with(trainRun(), "format", Json.PRETTY.valueToTree("two")));
        assertThatThrownBy(() -> RunIdentity.TRAIN.read(run, "x")).hasMessage(file + ": run.json format \"two\" is not a format number; x");
        // pre-training runs keep their own shape: no format is added to them
        ObjectNode pretrain = unnumbered(trainRun());
        pretrain.remove("kind");
        run.writeJson(RunDirectory.RUN, pretrain);
        assertThat(new RunIdentity(null, "pre-training", List.of()).read(run, "x").has("format")).isFalse();
    }
}
