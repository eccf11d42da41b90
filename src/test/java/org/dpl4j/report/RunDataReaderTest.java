package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDataReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsBareAndQuotedNaNAsNaN() {
        Path d = tmp.resolve("r");
        // Jackson writes NaN bare with QUOTE_NON_NUMERIC_NUMBERS off, as a string with it on (its default)
        FakeRuns.write(d.resolve("run.json"), "{\"kind\":\"train\"}");
        FakeRuns.write(d.resolve("metrics.jsonl"), """
                {"epoch":2,"loss":1.5,"valLoss":NaN,"valAcc":"NaN","lr":1e-5,"note":"warm-up"}
                {"epoch":1,"loss":2.0,"valLoss":-Infinity,"valAcc":"12.5"}
                """);
        RunData r = RunDataReader.read(d, "r");
        assertThat(r.problems()).isEmpty();
        assertThat(r.epochs()).extracting(RunData.Epoch::epoch).containsExactly(1, 2); // sorted
        RunData.Epoch e2 = r.epochs().get(1);
        assertThat(e2.get("loss")).isEqualTo(1.5);
        assertThat(e2.get("valLoss")).isNaN();
        assertThat(e2.get("valAcc")).isNaN();
        assertThat(e2.get("lr")).isEqualTo(1e-5);
        assertThat(e2.values()).doesNotContainKey("note");
        assertThat(e2.get("absent")).isNaN();
        assertThat(r.epochs().get(0).get("valLoss")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(r.epochs().get(0).get("valAcc")).isEqualTo(12.5);
    }

    @Test
    void readsEveryKnownFile() {
        Path d = FakeRuns.search(tmp, "s");
        FakeRuns.write(d.resolve("metrics.json"), """
                {"base":{"images":10,"top1":80.0,"macro":79.0,"perClass":{"b":80.0,"a":NaN}},
                 "new":{"top1":70.0}, "harmonicMean":74.67, "note":"x", "seconds":12}
                """);
        RunData r = RunDataReader.read(d, "s");
        assertThat(r.problems()).isEmpty();
        assertThat(r.files()).containsExactly("run.json", "metrics.jsonl", "alphas.jsonl", "prompt-config.json", "metrics.json");
        assertThat(r.kind()).isEqualTo("search");
        assertThat(r.seed()).isEqualTo("1");
        assertThat(r.field("settings")).isNull(); // objects are not text fields
        assertThat(r.alphas()).hasSize(FakeRuns.SEARCH_EPOCHS + 1);
        RunData.AlphaSnapshot last = r.alphas().get(r.alphas().size() - 1);
        assertThat(last.candidates()).containsExactly(0, 1, 2, 3);
        assertThat(last.weights().get("text")).hasDimensions(12, 4);
        assertThat(last.weights().get("image")[4][3]).isEqualTo(0.85);
        assertThat(r.lengths("text")).containsExactly(3, 3, 2, 0, 3, 2, 0, 3, 3, 2, 0, 2);
        RunData.FinalMetrics fm = r.finalMetrics();
        assertThat(fm.evaluations().keySet()).containsExactly("base", "new"); // file order
        assertThat(fm.evaluations().get("base").perClass().keySet()).containsExactly("b", "a");
        assertThat(fm.evaluations().get("base").perClass().get("a")).isNaN();
        assertThat(fm.evaluations().get("new").images()).isNull();
        assertThat(fm.evaluations().get("new").macro()).isNaN();
        assertThat(fm.scalars()).containsExactly(Map.entry("harmonicMean", 74.67), Map.entry("seconds", 12.0));
    }

    @Test
    void alphasWithoutCandidatesDefaultToTheReferenceLengths() {
        Path d = tmp.resolve("a");
        FakeRuns.write(d.resolve("run.json"), "{}");
        FakeRuns.write(d.resolve("alphas.jsonl"), "{\"epoch\":0,\"image\":[[0.2,0.3,0.5]]}\n");
        assertThat(RunDataReader.read(d, "a").alphas().get(0).candidates()).containsExactly(0, 1, 2);
    }

    @Test
    void badContentBecomesAProblemOfThatFileOnly() {
        Path d = tmp.resolve("bad");
        FakeRuns.write(d.resolve("run.json"), "[1, 2]");
        FakeRuns.write(d.resolve("metrics.jsonl"), "{\"epoch\":1,\"loss\":1}\nnot json\n{\"loss\":2}\n{\"epoch\":3,\"loss\":0.5}\n");
        FakeRuns.write(d.resolve("alphas.jsonl"), "{\"epoch\":0,\"candidates\":[0,1,2],\"text\":[[0.5,0.5]]}\n");
        FakeRuns.write(d.resolve("prompt-config.json"), "{\"text\":[1,-2]}");
        FakeRuns.write(d.resolve("results.json"), "{\"rows\":[{\"dataset\":\"A\",\"top1\":1}]}");
        RunData r = RunDataReader.read(d, "bad");
        assertThat(r.run()).isNull();
        assertThat(r.epochs()).extracting(RunData.Epoch::epoch).containsExactly(1, 3);
        assertThat(r.alphas()).isEmpty();
        assertThat(r.promptConfig()).isEmpty();
        assertThat(r.results()).isEmpty();
        assertThat(r.problems()).containsExactly(
                "run.json: not a JSON object",
                "metrics.jsonl line 2: " + r.problems().get(1).substring("metrics.jsonl line 2: ".length()),
                "metrics.jsonl line 3: no \"epoch\" field",
                "alphas.jsonl line 1: 3 candidates but 2 weights per block",
                "prompt-config.json: \"text\" holds -2, not a token count",
                "results.json: row 1 lacks dataset, method or top1");
        assertThat(r.problems().get(1)).startsWith("metrics.jsonl line 2: Unrecognized token 'not'");
        assertThat(r.problems()).allSatisfy(p -> assertThat(p).doesNotContain("\n"));
    }

    @Test
    void rawAlphaLogitsAreFlaggedButKept() {
        Path d = tmp.resolve("raw");
        FakeRuns.write(d.resolve("run.json"), "{}");
        FakeRuns.write(d.resolve("alphas.jsonl"), """
                {"epoch":0,"text":[[0.25,0.25,0.25,0.25]],"image":[[0.5,0.5,0,0]]}
                {"epoch":1,"text":[[0.3,0.3,0.2,0.2]],"image":[[0.001,-0.002,0.0005,0.0003]]}
                {"epoch":2,"text":[[2.0,0.1,0.1,0.1]],"image":[[0.5,0.5,0,0]]}
                """);
        RunData r = RunDataReader.read(d, "raw");
        assertThat(r.alphas()).hasSize(3);
        assertThat(r.problems()).containsExactly(
                "alphas.jsonl epoch 1: image block 1 weights sum to -0.0002000 with negative entries, not 1 (raw alphas instead of softmax weights?)");
    }

    @Test
    void findsRunDirectoriesRecursivelySortedAndOnce() throws IOException {
        Path runs = FakeRuns.all(tmp);
        Files.createDirectories(runs.resolve("train/not-a-run/empty"));
        Map<Path, List<Path>> found = RunDataReader.findRunDirs(List.of(runs, runs.resolve("train")));
        assertThat(found.get(runs)).extracting(p -> runs.relativize(p).toString()).containsExactly(
                "pipeline", "search/DTD-seed1", "train/DTD-dpl-seed1", "train/DTD-dpl-seed2", "train/DTD-zeroshot-seed1",
                "train/DTD-zeroshot-seed2");
        assertThat(found.get(runs.resolve("train"))).isEmpty(); // all already listed under the first input
    }

    @Test
    void aFolderWithOnlyResultsJsonIsARunDirectory() throws IOException {
        Path p = tmp.resolve("summary");
        FakeRuns.write(p.resolve("results.json"), "{\"rows\":[]}");
        assertThat(RunDataReader.findRunDirs(List.of(tmp)).get(tmp)).containsExactly(p);
    }

    @Test
    void inputErrorsAreOneLineAndNameTheInput() throws IOException {
        Path missing = tmp.resolve("gone");
        assertThatThrownBy(() -> RunDataReader.findRunDirs(List.of(missing)))
                .isInstanceOf(NoSuchFileException.class).hasMessage(missing + ": no such run directory");
        Path file = Files.writeString(tmp.resolve("f.txt"), "x");
        assertThatThrownBy(() -> RunDataReader.findRunDirs(List.of(file))).hasMessageStartingWith(file + ": not a directory");
        assertThatThrownBy(() -> RunDataReader.findRunDirs(List.of())).hasMessage("no input run directories given");
    }
}
