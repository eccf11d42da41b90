package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.run.Json;
import org.junit.jupiter.api.Test;

/**
 * {@code dpl4j bench --products} (the engine-port probe that was {@code spikes/engine-port}): it
 * times the three products of a ViT-B/16 block and reports each as a throughput. No time is
 * asserted (the machine may be busy); what is checked is that every product ran and was counted.
 */
class BenchProductsTest {
    @Test
    void productsReportsAThroughputForEachOfTheBlocksProducts() throws IOException {
        Cli.Result r = Cli.run("bench", "--products", "--json", "--precision", "fp32");
        assertThat(r.exitCode()).isZero();
        JsonNode out = Json.PRETTY.readTree(r.out());
        assertThat(out.path("precision").asText()).isEqualTo("fp32");
        assertThat(out.path("machine").path("threads").asInt()).isPositive();
        List<String> names = new ArrayList<>();
        out.path("gflops").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("q_kT", "s_v", "gemm_1576x768x2304");
        out.path("gflops").forEach(g -> assertThat(g.asDouble()).as("GFLOP/s").isPositive().isFinite());
    }
}
