package org.dpl4j.cli;

import java.io.PrintWriter;
import org.dpl4j.util.EngineSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dpl4j} command line. */
@Command(
        name = "dpl4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Differentiable Prompt Learning (DPL) for CLIP: search and train deep prompt layouts.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            TrainCommand.class,
            SearchCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            ExportCommand.class,
            ServeCommand.class,
            LoadTestCommand.class,
            RunCommand.class,
            BenchCommand.class,
            DoctorCommand.class,
            ZeroShotCommand.class,
            EmbedCommand.class,
            ReportCommand.class,
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int run(String... args) {
        EngineSetup.configure();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::oneLineError);
        return cli.execute(args);
    }

    /**
     * Users get one line naming what went wrong; {@code DPL4J_DEBUG=1} shows the stack trace.
     */
    static int oneLineError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (System.getenv("DPL4J_DEBUG") != null) {
            e.printStackTrace(err);
        }
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        err.println("dpl4j " + cmd.getCommandName() + ": error: " + msg.lines().findFirst().orElse(msg));
        err.flush();
        return t instanceof UserInterruptedException ? 130 : 1;
    }

    /** Thrown when the user stops a run (checkpoints are kept). */
    static final class UserInterruptedException extends RuntimeException {
        UserInterruptedException(String m) {
            super(m);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"dpl4j " + (v == null ? "dev" : v) + " (libtorch 2.10.0, org.bytedeco:pytorch 2.10.0-1.5.13)"};
        }
    }
}
