package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.dpl4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpl4j report} end to end through the CLI: exit codes and the one-line error. */
class ReportCommandTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void writesTheReportAndSaysWhere() throws Exception {
        Path runs = FakeRuns.all(tmp);
        Path html = tmp.resolve("r/report.html");
        Result r = cli("report", runs.toString(), "-o", html.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + html, "(6 run directories)");
        assertThat(Files.readString(html)).contains("<h2 id=\"results\">Results</h2>");
        assertThat(Files.getPosixFilePermissions(html)).contains(PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_READ);
    }

    @Test
    void emptyFolderIsAOneLineError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("nothing-here"));
        Result r = cli("report", empty.toString(), "-o", tmp.resolve("x.html").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("dpl4j report: error: no run directories (folders with run.json or results.json) under "
                + empty + System.lineSeparator());
    }
}
