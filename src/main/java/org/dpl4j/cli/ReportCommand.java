package org.dpl4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpl4j.report.RunData;
import org.dpl4j.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dpl4j report}: one self-contained HTML page for run directories (see {@link ReportWriter}). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML report (curves, alpha heat maps, configurations, result tables) "
                + "of run directories or folders of them.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "run directories, or folders searched recursively for them")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, defaultValue = "dpl4j-report.html", description = "HTML file to write (default: ${DEFAULT-VALUE})")
    Path output;

    @Override
    public Integer call() throws Exception {
        List<RunData> runs = ReportWriter.write(inputs, output);
        System.out.println("wrote " + output.toAbsolutePath().normalize() + " (" + runs.size()
                + (runs.size() == 1 ? " run directory)" : " run directories)"));
        return 0;
    }
}
