package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One strategy to measure, as given to {@code --strategies} of {@code hgl bench} and {@code hgl compare}
 * and as built.
 *
 * @param spec the strategy as given, e.g. {@code chunked:100}
 * @param strategy the strategy built from it
 */
record Candidate(String spec, Strategy strategy) {

  /** The chunk size of {@code chunked} without a size: the settings' default for strategy=chunked. */
  static final int DEFAULT_CHUNK_SIZE =
      ((Strategy.Chunked) LoaderSettings.fromMap(Map.of("strategy", "chunked")).strategy()).chunkSize();
  /** The parallelism when the settings' strategy has none: the settings' default. */
  static final int DEFAULT_PARALLELISM =
      ((Strategy.PerPlayer) LoaderSettings.fromMap(Map.of("strategy", "per-player")).strategy()).parallelism();

  private static final Pattern SPEC = Pattern.compile("([a-z-]+)(?::(.*))?");
  private static final String ALLOWED = "allowed: batch, chunked[:SIZE], per-player, adaptive[:SIZE]";

  /** Parses {@code --strategies}, building each with the given parallelism; a repeated strategy counts once. */
  static List<Candidate> parse(String text, int parallelism) {
    List<Candidate> candidates = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String spec = part.trim();
      Matcher matcher = SPEC.matcher(spec);
      if (!matcher.matches()) {
        throw new UsageException("--strategies: unknown strategy; got '" + part + "'; " + ALLOWED);
      }
      String name = matcher.group(1);
      String size = matcher.group(2);
      Strategy strategy = switch (name) {
        case "batch" -> {
          noSize(spec, size);
          yield Strategy.batch();
        }
        case "per-player" -> {
          noSize(spec, size);
          yield Strategy.perPlayer(parallelism);
        }
        case "chunked" -> Strategy.chunked(size == null ? DEFAULT_CHUNK_SIZE : size(spec, size, 1),
            parallelism);
        case "adaptive" -> Strategy.adaptive(size == null ? 0 : size(spec, size, 0), parallelism);
        default -> throw new UsageException("--strategies: unknown strategy; got '" + part + "'; " + ALLOWED);
      };
      if (candidates.stream().noneMatch(c -> c.strategy().equals(strategy))) {
        candidates.add(new Candidate(spec, strategy));
      }
    }
    return candidates;
  }

  private static void noSize(String spec, @Nullable String size) {
    if (size != null) {
      throw new UsageException("--strategies: only chunked and adaptive take a size; got '" + spec + "'");
    }
  }

  private static int size(String spec, String size, int min) {
    try {
      return RequestOptions.parseCount("--strategies", size, min, Strategy.MAX_CHUNK_SIZE);
    } catch (UsageException e) {
      throw new UsageException("--strategies: the size of '" + spec + "' must be an integer between " + min + " and "
          + Strategy.MAX_CHUNK_SIZE + "; got '" + size + "'", e);
    }
  }

  /** The parallelism the settings give their strategy (its first stage that has one), else the default. */
  static int parallelism(Strategy strategy) {
    if (strategy instanceof Strategy.Chunked chunked) {
      return chunked.parallelism();
    } else if (strategy instanceof Strategy.PerPlayer perPlayer) {
      return perPlayer.parallelism();
    } else if (strategy instanceof Strategy.Adaptive adaptive) {
      return adaptive.parallelism();
    } else if (strategy instanceof Strategy.Fallback fallback) {
      return fallback.stages().stream().filter(s -> !(s instanceof Strategy.Batch)).findFirst()
          .map(Candidate::parallelism).orElse(DEFAULT_PARALLELISM);
    }
    return DEFAULT_PARALLELISM;
  }
}
