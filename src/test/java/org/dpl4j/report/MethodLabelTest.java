package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.dpl4j.run.Json;
import org.junit.jupiter.api.Test;

/** Reports name an old key/value ivlp or vpt-deep run by its present name, never as the published method. */
class MethodLabelTest {
    private static JsonNode run(int format, String method, String mechanism) throws Exception {
        return Json.PRETTY.readTree("{\"format\": " + format + ", \"kind\": \"train\", \"method\": \"" + method + "\""
                + (mechanism == null ? "" : ", \"mechanism\": \"" + mechanism + "\"") + ", \"settings\": {}}");
    }

    @Test
    void format2IvlpAndVptDeepRunsAreLabelledAsTheKeyValueLayoutsTheyWere() throws Exception {
        assertThat(RunData.methodLabel("ivlp", run(2, "ivlp", null))).isEqualTo("kv-ivlp");
        assertThat(RunData.methodLabel("vpt-deep", run(2, "vpt-deep", null))).isEqualTo("kv-vpt-deep");
        assertThat(RunData.methodLabel("ivlp", run(3, "ivlp", "stream"))).isEqualTo("ivlp");
        assertThat(RunData.methodLabel("maple", run(2, "maple", null))).isEqualTo("maple");
        assertThat(RunData.methodLabel("dpl", run(2, "dpl", null))).isEqualTo("dpl");
    }
}
