package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.run.Json;
import org.junit.jupiter.api.Test;

/**
 * {@code dpl4j bench} with the text side in class chunks (docs/design.md §6.11) and {@code bench --methods},
 * on the tiny model: every row ran, through the plan asked for, and is labelled with it. No time is asserted
 * (the machine may be busy).
 */
class BenchTextChunksTest {
    @Test
    void rowsRunAndReportTheTextPlanAskedFor() throws IOException {
        for (String chunk : List.of("2", "0")) {
            Cli.Result r = Cli.run("bench", "--tiny", "--classes", "5", "--text-chunk", chunk, "--text-keep", "1", "--attention",
                    "fused", "--steps", "1", "--warmup", "0", "--precision", "fp32", "--json");
            assertThat(r.exitCode()).as("bench --text-chunk %s", chunk).isZero();
            List<String> stages = new ArrayList<>();
            for (JsonNode row : Json.PRETTY.readTree(r.out()).path("rows")) {
                stages.add(row.path("stage").asText());
                assertThat(row.path("classes").asInt()).isEqualTo(5);
                assertThat(row.path("text_chunk").asInt()).as("%s: classes per text pass", row.path("stage").asText())
                        .isEqualTo(chunk.equals("0") ? 5 : 2);
                assertThat(row.path("text_keep").asInt()).isEqualTo(1);
                assertThat(row.path("s_per_step").asDouble()).isPositive().isFinite();
            }
            assertThat(stages).containsExactly("train", "text", "search");
        }
    }

    @Test
    void aNegativeTextChunkIsRefused() {
        Cli.Result r = Cli.run("bench", "--tiny", "--text-chunk", "-1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--text-chunk must be 0 (one pass) or positive");
    }

    /** Each method's train stage step (PromptTrainer.step): CoCoOp's one pass, the others' towers, PromptSRC's terms. */
    @Test
    void methodsRunTheTrainStagesStepOfEveryKindOfLearner() throws IOException {
        List<String> methods = List.of("coop", "cocoop", "vpt-deep", "maple", "promptsrc");
        Cli.Result r = Cli.run("bench", "--tiny", "--methods", String.join(",", methods), "--classes", "5", "--steps", "1",
                "--warmup", "0", "--precision", "fp32", "--json");
        assertThat(r.exitCode()).isZero();
        List<String> seen = new ArrayList<>();
        for (JsonNode row : Json.PRETTY.readTree(r.out()).path("methods")) {
            seen.add(row.path("method").asText());
            assertThat(row.path("parameters").asLong()).as("%s: trainable parameters", row.path("method").asText()).isPositive();
            assertThat(row.path("classes").asInt()).isEqualTo(5);
            assertThat(row.path("secondsPerStep").asDouble()).isPositive().isFinite();
        }
        assertThat(seen).containsExactlyElementsOf(methods);
    }
}
