package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hgl load}: loads players' histories for a game date and prints a summary or JSON. */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = Hgl.Version.class,
    header = "Loads players' recent games for a game date; prints a summary or JSON.",
    description = {
        "Default: the first 360 players of the in-memory backend's generated league, on its last date with games.",
        "Exit codes: 0 all players loaded, 3 some failed, 2 bad usage or settings, 1 any other error."})
final class LoadCommand implements Callable<Integer> {

  private final CliContext context;

  @Spec
  @Nullable CommandSpec spec;

  @Mixin
  SettingsOptions settingsOptions = new SettingsOptions();

  @Mixin
  RequestOptions requestOptions = new RequestOptions();

  @Option(names = "--players", paramLabel = "N",
      description = "How many players: the first N by lookup of the in-memory data (default 360; not with --players-file).")
  @Nullable String players;

  @Option(names = "--format", paramLabel = "text|json", description = "Output: text (default) or json.")
  String format = "text";

  LoadCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrintWriter out = Hgl.out(spec);
    OutputFormat outputFormat = OutputFormat.parse(format);
    if (players != null && requestOptions.playersFile != null) {
      throw new UsageException("--players: not allowed with --players-file (which loads every player in the file); got '"
          + players + "'");
    }
    int count = players == null ? RequestOptions.DEFAULT_PLAYERS
        : RequestOptions.parseCount("--players", players, 1, RequestOptions.MAX_PLAYERS);
    if (requestOptions.date != null) {
      RequestOptions.parseDate("--date", requestOptions.date);
    }
    SettingsSources.Resolved sources = settingsOptions.resolve(context);
    LoaderSettings settings = sources.settings();
    Backend backend = Backend.open(settings, sources, context);
    LoadRequest request;
    try {
      List<String> lookups = requestOptions.playersFile != null
          ? requestOptions.playersFromFile()
          : requestOptions.players(count, "--players", backend);
      LocalDate fallbackDate = backend.rows().flatMap(Backend.Rows::lastGameDate).orElse(null);
      LocalDate date = requestOptions.date(fallbackDate, backend.name());
      request = LoadRequest.builder(date, settings).players(lookups).build();
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    Progress progress = Progress.of(context, Hgl.err(spec));
    progress.show("hgl: loading " + TextReport.count(request.players().size(), "player") + " ("
        + settings.strategy().describe() + ") ...");
    LoadResult result;
    try (HistoricalGamesLoader loader = backend.loader(settings)) {
      result = loader.load(request);
    } finally {
      progress.done();
    }
    if (outputFormat == OutputFormat.JSON) {
      out.println(JsonReport.of(request, result).toPrettyString());
      out.flush();
    } else {
      new TextReport(out).print(request, result, settings, backend.describe(), settingsOptions.verbose);
    }
    return result.isComplete() ? Hgl.EXIT_OK : Hgl.EXIT_INCOMPLETE;
  }
}
