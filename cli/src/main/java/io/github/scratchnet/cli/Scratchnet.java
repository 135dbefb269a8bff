package io.github.scratchnet.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top command: subcommands only. */
@Command(name = "scratchnet", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = "Convolutional networks from scratch, the way Deep Learning from Scratch teaches.",
        subcommands = {Train.class, Evaluate.class, Predict.class, Summary.class, Bench.class, Gradcheck.class, Export.class,
            CommandLine.HelpCommand.class})
public final class Scratchnet implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: train, evaluate, predict, export, summary, bench or gradcheck");
    }

    /** The command line with scratchnet's error handling: one line for user errors, exit 1; usage errors exit 2. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Scratchnet());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            boolean verbose = parseResult.subcommand() != null
                    && parseResult.subcommand().hasMatchedOption("--verbose");
            err.println("scratchnet: error: " + message(e));
            if (verbose) {
                e.printStackTrace(err);
            } else if (!isUserError(e)) {
                err.println("(an internal error; run again with --verbose for the stack trace)");
            }
            err.flush();
            return 1;
        });
        cmd.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("scratchnet: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return 2;
        });
        return cmd;
    }

    static String message(Throwable e) {
        if (e instanceof FileNotFoundException || e instanceof java.nio.file.NoSuchFileException) {
            String m = e.getMessage();
            return m != null && m.endsWith("no such file") ? m : m + ": no such file";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    static boolean isUserError(Throwable e) {
        return e instanceof IOException || e instanceof IllegalArgumentException || e instanceof ArithmeticException
                || e instanceof UserException;
    }

    /** An error in what the user asked for, reported in one line. */
    static final class UserException extends RuntimeException {
        UserException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Scratchnet.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"scratchnet " + p.getProperty("version", "unknown") + " (ND4J 1.0.0-M2.1, Java "
                    + System.getProperty("java.version") + ")"};
        }
    }
}
