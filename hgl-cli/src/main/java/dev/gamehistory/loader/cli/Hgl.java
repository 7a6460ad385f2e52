package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.inmemory.CsvFormatException;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The {@code hgl} command line: {@code load}, {@code backfill}, {@code seed}, {@code explain}, {@code bench}
 * and {@code compare}.
 *
 * <p>Exit codes: {@value #EXIT_OK} success; {@value #EXIT_INCOMPLETE} some players failed;
 * {@value #EXIT_USAGE} bad usage or settings (one line on stderr naming the culprit and the value);
 * {@value #EXIT_ERROR} any other error (one line; {@code --verbose} adds the stack trace).
 */
@Command(name = "hgl", mixinStandardHelpOptions = true, versionProvider = Hgl.Version.class,
    description = "Loads players' recent game histories from BigQuery or an in-memory league.",
    synopsisSubcommandLabel = "COMMAND")
public final class Hgl implements Runnable {

  /** Success: every player loaded, or the command did what it was asked. */
  public static final int EXIT_OK = 0;
  /** Any error other than bad usage: a backend failure, an unexpected exception. */
  public static final int EXIT_ERROR = 1;
  /** Bad usage or settings: an unknown option or key, a bad value, an unreadable file. */
  public static final int EXIT_USAGE = 2;
  /** The load finished but some players failed. */
  public static final int EXIT_INCOMPLETE = 3;

  private static final String VERBOSE = "--verbose";

  private @Nullable CommandSpec spec;

  private Hgl() {}

  /** Runs {@code hgl} with the process's environment, streams and terminal, and exits with its code. */
  public static void main(String[] args) {
    if (Arrays.asList(args).contains(VERBOSE)) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }
    System.exit(commandLine(CliContext.system()).execute(args));
  }

  /**
   * The {@code hgl} command with its subcommands, exception handlers and exit codes; set its
   * streams with {@link CommandLine#setOut} and {@link CommandLine#setErr} before executing it.
   */
  static CommandLine commandLine(CliContext context) {
    Objects.requireNonNull(context, "context");
    Hgl hgl = new Hgl();
    CommandLine commandLine = new CommandLine(hgl);
    hgl.spec = commandLine.getCommandSpec();
    commandLine.addSubcommand(new LoadCommand(context));
    commandLine.addSubcommand(new BackfillCommand(context));
    commandLine.addSubcommand(new SeedCommand(context));
    commandLine.addSubcommand(new ExplainCommand(context));
    commandLine.addSubcommand(new BenchCommand(context));
    commandLine.addSubcommand(new CompareCommand(context));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(Hgl::badUsage);
    commandLine.setExecutionExceptionHandler(Hgl::failed);
    return commandLine;
  }

  /** Without a command: the usage, and exit code 2. */
  @Override
  public void run() {
    CommandLine commandLine = Objects.requireNonNull(spec, "spec").commandLine();
    commandLine.usage(commandLine.getErr());
    throw new ParameterException(commandLine, "missing command: one of load, backfill, seed, explain, bench, compare");
  }

  /** A picocli parse error: one line, exit 2. */
  private static int badUsage(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    String help = "see '" + commandLine.getCommandSpec().qualifiedName() + " --help'";
    String message;
    if (e instanceof UnmatchedArgumentException unmatched) {
      List<String> unknown = unmatched.getUnmatched();
      String given = unknown.isEmpty() ? "" : unknown.get(0);
      if (unmatched.isUnknownOption()) {
        String nearest = nearest(given, unmatched.getSuggestions());
        message = "unknown option '" + given + "'" + (nearest == null ? "" : "; did you mean " + nearest + "?") + "; "
            + help;
      } else if (commandLine.getParent() == null) {
        message = "unknown command '" + given + "'; one of " + String.join(", ", commandLine.getSubcommands().keySet())
            + "; " + help;
      } else {
        message = "unexpected argument '" + given + "'; " + help;
      }
    } else {
      message = firstLine(lowerFirst(String.valueOf(e.getMessage()))) + "; " + help;
    }
    err.println("hgl: " + message);
    err.flush();
    return EXIT_USAGE;
  }

  /** An exception from a command: one line; exit 2 for bad input, 1 otherwise. */
  private static int failed(Exception e, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    boolean verbose = verbose(parseResult);
    int code;
    String message;
    if (e instanceof LoaderSettingsException settings) {
      code = EXIT_USAGE;
      message = SettingsSources.CONFIG_KEY.equals(settings.key()) ? "--" + settings.getMessage() : settings.getMessage();
    } else if (e instanceof UsageException || e instanceof CsvFormatException) {
      code = EXIT_USAGE;
      message = e.getMessage();
    } else {
      code = EXIT_ERROR;
      message = "error: " + describe(e) + (verbose ? "" : " (--verbose shows the stack trace)");
    }
    err.println("hgl: " + firstLine(String.valueOf(message)));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /** The suggestion fewest edits away from {@code given}, if any. */
  private static @Nullable String nearest(String given, List<String> suggestions) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String suggestion : suggestions) {
      int distance = LevenshteinDistance.getDefaultInstance().apply(given, suggestion);
      if (distance < bestDistance) {
        best = suggestion;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getName() : message;
  }

  private static boolean verbose(ParseResult parseResult) {
    ParseResult current = parseResult;
    while (true) {
      if (current.hasMatchedOption(VERBOSE)) {
        return true;
      }
      if (!current.hasSubcommand()) {
        return false;
      }
      current = current.subcommand();
    }
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).stripTrailing();
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }

  /** The command's stdout. */
  static PrintWriter out(@Nullable CommandSpec spec) {
    return Objects.requireNonNull(spec, "spec").commandLine().getOut();
  }

  /** The command's stderr. */
  static PrintWriter err(@Nullable CommandSpec spec) {
    return Objects.requireNonNull(spec, "spec").commandLine().getErr();
  }

  /** The version from the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties properties = new Properties();
      try (InputStream in = Hgl.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {"hgl " + properties.getProperty("version", "unknown")};
    }
  }
}
