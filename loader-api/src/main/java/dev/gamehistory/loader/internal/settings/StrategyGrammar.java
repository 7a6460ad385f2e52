package dev.gamehistory.loader.internal.settings;

import static dev.gamehistory.loader.internal.settings.SettingsKeys.CHUNK_SIZE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.PARALLELISM;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.STRATEGIES;

import dev.gamehistory.loader.settings.Strategy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The grammar of strategy names and of {@code fallback} stages: a comma list of strategy names,
 * each optionally with parameters, e.g. {@code chunked(chunk-size=50, parallelism=2), per-player}.
 * Strategy names are read without regard to case, {@code -} and {@code _} ({@code PER_PLAYER},
 * {@code perPlayer}); parameter names are exact.
 */
final class StrategyGrammar {

  static final String BATCH = "batch";
  static final String CHUNKED = "chunked";
  static final String PER_PLAYER = "per-player";
  static final String ADAPTIVE = "adaptive";

  private static final Pattern STAGE = Pattern.compile("([A-Za-z_-]+)\\s*(?:\\((.*)\\))?", Pattern.DOTALL);
  private static final Pattern PARAMETER = Pattern.compile("([a-z-]+)\\s*=\\s*(\\S+)");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

  private StrategyGrammar() {}

  /** A strategy name with the parameters a fallback stage gave, {@code null} where not given. */
  record Stage(String name, @Nullable Integer chunkSize, @Nullable Integer parallelism) {
    /** Whether the stage takes {@code key} ({@code chunk-size} or {@code parallelism}) from the shared key. */
    boolean usesShared(String key) {
      return key.equals(CHUNK_SIZE) ? takesChunkSize() && chunkSize == null : takesParallelism() && parallelism == null;
    }

    boolean takesChunkSize() {
      return name.equals(CHUNKED) || name.equals(ADAPTIVE);
    }

    boolean takesParallelism() {
      return !name.equals(BATCH);
    }
  }

  /** Text the grammar rejects: the problem and what would help, for a settings message. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String help;

    Malformed(String problem, String help) {
      super(problem);
      this.help = help;
    }

    /** What is wrong, e.g. {@code unknown strategy 'fast'}. */
    String problem() {
      return String.valueOf(getMessage());
    }

    /** What would help, starting with {@code "; "}, or empty. */
    String help() {
      return help;
    }
  }

  /** The canonical name of a strategy, if {@code text} names one. */
  static @Nullable String strategyName(String text) {
    return SettingsKeys.canonicalName(text, STRATEGIES).orElse(null);
  }

  /**
   * The stages of a {@code fallback} value; none for blank text.
   *
   * @throws Malformed naming the problem
   */
  static List<Stage> stages(String text) {
    if (text.isBlank()) {
      return List.of();
    }
    List<Stage> stages = new ArrayList<>();
    for (String part : splitStages(text)) {
      stages.add(stage(part.trim()));
    }
    return stages;
  }

  private static List<String> splitStages(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth < 0) {
          break;
        }
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new Malformed("unbalanced parentheses", "");
    }
    parts.add(text.substring(start));
    return parts;
  }

  private static Stage stage(String text) {
    if (text.isEmpty()) {
      throw new Malformed("a stage is empty", "");
    }
    Matcher matcher = STAGE.matcher(text);
    if (!matcher.matches()) {
      throw malformedStage(text);
    }
    String name = strategyName(matcher.group(1));
    if (name == null) {
      throw new Malformed("unknown strategy '" + matcher.group(1) + "'", "; allowed: " + String.join(", ", STRATEGIES));
    }
    Integer chunkSize = null;
    Integer parallelism = null;
    String parameters = matcher.group(2);
    if (parameters != null && !parameters.isBlank()) {
      List<String> allowed = name.equals(BATCH) ? List.of()
          : name.equals(PER_PLAYER) ? List.of(PARALLELISM) : List.of(CHUNK_SIZE, PARALLELISM);
      for (String parameter : parameters.split(",", -1)) {
        Matcher assignment = PARAMETER.matcher(parameter.trim());
        if (!assignment.matches()) {
          throw malformedStage(text);
        }
        String parameterName = assignment.group(1);
        String parameterValue = assignment.group(2);
        if (!allowed.contains(parameterName)) {
          throw new Malformed("stage '" + name + "' takes no parameter '" + parameterName + "'",
              "; allowed: " + (allowed.isEmpty() ? "none" : String.join(", ", allowed)));
        }
        if (parameterName.equals(CHUNK_SIZE)) {
          if (chunkSize != null) {
            throw new Malformed("stage '" + name + "' has parameter '" + parameterName + "' twice", "");
          }
          chunkSize = stageInteger(name, parameterName, parameterValue,
              name.equals(ADAPTIVE) ? 0 : 1, Strategy.MAX_CHUNK_SIZE);
        } else {
          if (parallelism != null) {
            throw new Malformed("stage '" + name + "' has parameter '" + parameterName + "' twice", "");
          }
          parallelism = stageInteger(name, parameterName, parameterValue, 1, Strategy.MAX_PARALLELISM);
        }
      }
    }
    return new Stage(name, chunkSize, parallelism);
  }

  private static Malformed malformedStage(String text) {
    return new Malformed("malformed stage '" + text + "'",
        "; a stage is a strategy name, optionally with parameters, e.g. chunked(chunk-size=50, parallelism=2)");
  }

  private static int stageInteger(String stage, String parameter, String text, int min, int max) {
    Integer value = parseInteger(text, min, max);
    if (value == null) {
      throw new Malformed(parameter + " of stage '" + stage + "' must be an integer between " + min + " and " + max, "");
    }
    return value;
  }

  /** The integer {@code text} holds when it is one within {@code min..max}, else {@code null}. */
  static @Nullable Integer parseInteger(String text, int min, int max) {
    if (!INTEGER.matcher(text).matches()) {
      return null;
    }
    BigInteger value = new BigInteger(text);
    if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
      return null;
    }
    return value.intValue();
  }
}
