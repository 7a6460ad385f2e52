package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Generates {@link Scenario}s over one seeded two-season league, and shrinks a failing one towards a
 * smaller load: fewer players, fewer or milder faults, simpler strategies and policies.
 *
 * <p>The ranges are those of the issue: strategies batch, chunked(1..60, 1..8), per-player(1..8),
 * adaptive(0..60, 1..8) and fallback chains of 2 or 3 of them; 1..500 requested players drawn from the
 * league, unknown players and duplicates; game dates inside and around the seasons; lookback 1..400
 * days; max games 1..60; latency (fixed and ranged), hangs, transient and permanent errors on every,
 * nth, every-nth, share and containing-player selectors; 1..4 attempts with 0..2 s backoffs and
 * jitter; fixed and scaled per-query timeouts and deadlines. About a third of the scenarios get a
 * generous deadline: no hang and a deadline beyond the longest the load could take.
 */
final class Scenarios {

  /** The league every scenario loads from: two seasons, so windows cross an offseason. */
  static final League LEAGUE = LeagueGenerator.generate(42, 2);

  /**
   * Opponents whose order by code point differs from their order by UTF-16 unit: U+FF21 (a BMP
   * letter above the surrogates) sorts before U+1D400 (a supplementary letter, two units from U+D835).
   */
  private static final List<String> TIE_OPPONENTS = List.of("ATL", "BOS", "BOS", "\u00C4TL", "\uFF21BC", "\uD835\uDC00BC", "bos");

  /**
   * The rows the backend and the model answer from: the league's, plus games the league never has,
   * for the tie-break: for one player in eight, a few extra games on dates the player already played,
   * against the same or another opponent (non-ASCII ones included), with equal, other or absent
   * points and minutes, and exact duplicates of a row (two equal rows are two games).
   */
  static final List<GameRow> ROWS = rowsWithTies(LEAGUE, new SplittableRandom(7));

  private static final List<String> TRANSIENT_REASONS = List.of(Fault.BACKEND_ERROR, Fault.RATE_LIMIT_EXCEEDED);
  private static final List<String> PERMANENT_REASONS = List.of(Fault.INVALID_QUERY, "accessDenied", "notFound");

  private Scenarios() {}

  /** A scenario drawn from {@code random}; the same seed gives the same scenario. */
  static Scenario scenario(SplittableRandom random) {
    List<String> players = players(random, playerCount(random));
    LocalDate gameDate = gameDate(random);
    int lookback = pick(random, 40, 1, 30, 30, 31, 120, 30, 121, 400);
    int maxGames = pick(random, 30, 1, 5, 70, 6, 60, 0, 0, 0);
    Strategy strategy = random.nextInt(100) < 25 ? fallback(random) : stage(random);
    List<FaultPlan.Rule> rules = rules(random, players);
    RetryPolicy retry = retry(random);
    boolean generous = random.nextInt(100) < 35;
    Scenario scenario = new Scenario(players, gameDate, lookback, maxGames, strategy, rules, random.nextLong(),
        retry, timeouts(random), random.nextInt(100) < 20 ? Optional.of(millis(random, 100, 60_000)) : Optional.empty());
    return generous ? generous(scenario) : scenario;
  }

  /** The scenario without hangs and with a deadline twice the longest the load could take, plus a second. */
  static Scenario generous(Scenario scenario) {
    List<FaultPlan.Rule> rules = scenario.rules().stream().filter(rule -> !(rule.fault() instanceof Fault.Hang)).toList();
    Scenario withoutHangs = scenario.withRules(rules);
    Duration bound = FaultAnalysis.longestLoad(withoutHangs);
    Duration deadline = bound.multipliedBy(2).plusSeconds(1);
    TimeoutPolicy timeouts = withoutHangs.timeouts().withDeadline(deadline);
    return withoutHangs.withTimeouts(timeouts, Optional.empty());
  }

  // ---- generation ---------------------------------------------------------------------------

  private static List<GameRow> rowsWithTies(League league, SplittableRandom random) {
    List<GameRow> rows = new ArrayList<>(league.rows());
    List<String> players = league.players();
    for (int p = 0; p < players.size(); p += 8) {
      List<GameRow> own = league.rowsOf(players.get(p));
      for (int k = 0; k < Math.min(6, own.size()); k++) {
        GameRow base = own.get(random.nextInt(own.size()));
        int extra = 1 + random.nextInt(3);
        for (int e = 0; e < extra; e++) {
          int roll = random.nextInt(5);
          if (roll == 0) {
            rows.add(base);
            continue;
          }
          String opponent = roll == 1 ? base.opponentTeamAbbr() : TIE_OPPONENTS.get(random.nextInt(TIE_OPPONENTS.size()));
          Integer points = random.nextInt(4) == 0 ? null : base.points() != null && random.nextBoolean() ? base.points()
              : random.nextInt(40);
          BigDecimal minutes = random.nextInt(4) == 0 ? null : base.minutesPlayed() != null && random.nextBoolean()
              ? base.minutesPlayed() : BigDecimal.valueOf(random.nextInt(480), 1);
          rows.add(new GameRow(base.playerLookup(), base.gameDate(), opponent, points, minutes, base.teamAbbr(), null));
        }
      }
    }
    return List.copyOf(rows);
  }

  private static int playerCount(SplittableRandom random) {
    return pick(random, 35, 1, 8, 45, 9, 100, 20, 101, 500);
  }

  static List<String> players(SplittableRandom random, int count) {
    List<String> known = LEAGUE.players();
    List<String> players = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int roll = random.nextInt(100);
      if (roll < 12 && !players.isEmpty()) {
        players.add(players.get(random.nextInt(players.size())));
      } else if (roll < 17) {
        players.add("unknown-player-" + random.nextInt(50));
      } else if (roll < 20) {
        players.add(known.get(random.nextInt(known.size())).toUpperCase(Locale.ROOT));
      } else if (roll < 22 && !LEAGUE.playersWithoutGames().isEmpty()) {
        players.add(LEAGUE.playersWithoutGames().get(random.nextInt(LEAGUE.playersWithoutGames().size())));
      } else {
        players.add(known.get(random.nextInt(known.size())));
      }
    }
    return players;
  }

  static LocalDate gameDate(SplittableRandom random) {
    int roll = random.nextInt(100);
    if (roll < 50) {
      List<LocalDate> dates = LEAGUE.gameDates();
      return dates.get(random.nextInt(dates.size()));
    }
    if (roll < 70) {
      League.Season season = LEAGUE.seasons().get(random.nextInt(LEAGUE.seasons().size()));
      LocalDate edge = random.nextBoolean() ? season.firstDay() : season.lastDay();
      return edge.plusDays(random.nextInt(21) - 10);
    }
    LocalDate from = LEAGUE.firstDay().minusDays(60);
    int span = (int) java.time.temporal.ChronoUnit.DAYS.between(from, LEAGUE.lastDay().plusDays(120));
    return from.plusDays(random.nextInt(span + 1));
  }

  static Strategy stage(SplittableRandom random) {
    switch (random.nextInt(4)) {
      case 0:
        return Strategy.batch();
      case 1:
        return Strategy.chunked(1 + random.nextInt(60), 1 + random.nextInt(8));
      case 2:
        return Strategy.perPlayer(1 + random.nextInt(8));
      default:
        return Strategy.adaptive(random.nextInt(100) < 30 ? 0 : random.nextInt(61), 1 + random.nextInt(8));
    }
  }

  static Strategy fallback(SplittableRandom random) {
    Strategy first = stage(random);
    Strategy second = stage(random);
    return random.nextBoolean() ? Strategy.fallback(first, second) : Strategy.fallback(first, second, stage(random));
  }

  private static List<FaultPlan.Rule> rules(SplittableRandom random, List<String> players) {
    if (random.nextInt(100) < 25) {
      return List.of();
    }
    int count = 1 + random.nextInt(4);
    List<FaultPlan.Rule> rules = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rules.add(new FaultPlan.Rule(selector(random, players), fault(random)));
    }
    return rules;
  }

  private static QuerySelector selector(SplittableRandom random, List<String> players) {
    int roll = random.nextInt(100);
    if (roll < 12) {
      return QuerySelector.every();
    } else if (roll < 35) {
      TreeSet<Integer> numbers = new TreeSet<>();
      int count = 1 + random.nextInt(3);
      while (numbers.size() < count) {
        numbers.add(1 + random.nextInt(30));
      }
      return QuerySelector.nth(numbers.stream().mapToInt(Integer::intValue).toArray());
    } else if (roll < 55) {
      return QuerySelector.everyNth(1 + random.nextInt(8), 1 + random.nextInt(8));
    } else if (roll < 80) {
      int edge = random.nextInt(10);
      return QuerySelector.share(edge == 0 ? 0.0 : edge == 1 ? 1.0 : random.nextDouble());
    } else {
      boolean requested = random.nextInt(100) < 85;
      String player = requested ? players.get(random.nextInt(players.size()))
          : LEAGUE.players().get(random.nextInt(LEAGUE.players().size()));
      return QuerySelector.containingPlayer(player);
    }
  }

  private static Fault fault(SplittableRandom random) {
    int roll = random.nextInt(100);
    if (roll < 25) {
      return Fault.latency(latency(random));
    } else if (roll < 40) {
      Duration min = millis(random, 0, 1000);
      return Fault.latency(min, min.plus(millis(random, 0, 2000)));
    } else if (roll < 55) {
      return Fault.hang();
    } else if (roll < 80) {
      return Fault.transientError(TRANSIENT_REASONS.get(random.nextInt(TRANSIENT_REASONS.size())));
    } else {
      return Fault.permanentError(PERMANENT_REASONS.get(random.nextInt(PERMANENT_REASONS.size())));
    }
  }

  private static Duration latency(SplittableRandom random) {
    int roll = random.nextInt(100);
    return roll < 10 ? Duration.ZERO : roll < 60 ? millis(random, 1, 50) : millis(random, 51, 3000);
  }

  private static RetryPolicy retry(SplittableRandom random) {
    if (random.nextInt(100) < 15) {
      return RetryPolicy.none();
    }
    Duration initial = random.nextInt(100) < 25 ? Duration.ZERO : millis(random, 1, 2000);
    Duration max = initial.plus(millis(random, 0, (int) (2000 - initial.toMillis())));
    int jitterRoll = random.nextInt(100);
    double jitter = jitterRoll < 40 ? 0.0 : jitterRoll < 55 ? 1.0 : random.nextDouble();
    return new RetryPolicy(1 + random.nextInt(4), initial, max, jitter);
  }

  private static TimeoutPolicy timeouts(SplittableRandom random) {
    Duration deadline = millis(random, 100, 60_000);
    Duration query = random.nextInt(100) < 50 ? millis(random, 1, 500) : millis(random, 501, 20_000);
    if (random.nextInt(100) < 60) {
      return TimeoutPolicy.fixed(query, deadline);
    }
    Duration perPlayer = Duration.ofNanos(1_000 + random.nextInt(100_000_000));
    Duration max = random.nextInt(100) < 40 ? Duration.ZERO : query.plus(millis(random, 0, 30_000));
    return TimeoutPolicy.scaled(query, perPlayer, max, deadline);
  }

  static Duration millis(SplittableRandom random, int min, int max) {
    return Duration.ofMillis(min + random.nextInt(max - min + 1));
  }

  /** A value from one of three ranges, chosen with the given weights (in percent). */
  private static int pick(SplittableRandom random, int w1, int min1, int max1, int w2, int min2, int max2,
      int w3, int min3, int max3) {
    int roll = random.nextInt(w1 + w2 + w3);
    if (roll < w1) {
      return min1 + random.nextInt(max1 - min1 + 1);
    }
    return roll < w1 + w2 ? min2 + random.nextInt(max2 - min2 + 1) : min3 + random.nextInt(max3 - min3 + 1);
  }

  // ---- shrinking ----------------------------------------------------------------------------

  /** Simpler scenarios than {@code scenario}, most promising first. */
  static Stream<Scenario> shrink(Scenario scenario) {
    List<Scenario> candidates = new ArrayList<>();
    List<String> players = scenario.players();
    if (players.size() > 1) {
      int half = players.size() / 2;
      candidates.add(scenario.withPlayers(players.subList(0, half)));
      candidates.add(scenario.withPlayers(players.subList(half, players.size())));
      int block = Math.max(1, players.size() / 8);
      for (int from = 0; from < players.size(); from += block) {
        List<String> fewer = new ArrayList<>(players.subList(0, from));
        fewer.addAll(players.subList(Math.min(players.size(), from + block), players.size()));
        if (!fewer.isEmpty()) {
          candidates.add(scenario.withPlayers(fewer));
        }
      }
    }
    List<FaultPlan.Rule> rules = scenario.rules();
    for (int i = 0; i < rules.size(); i++) {
      List<FaultPlan.Rule> fewer = new ArrayList<>(rules);
      fewer.remove(i);
      candidates.add(scenario.withRules(fewer));
    }
    for (int i = 0; i < rules.size(); i++) {
      FaultPlan.Rule rule = rules.get(i);
      if (rule.fault() instanceof Fault.LatencyDistribution range) {
        List<FaultPlan.Rule> milder = new ArrayList<>(rules);
        milder.set(i, new FaultPlan.Rule(rule.selector(), Fault.latency(range.min())));
        candidates.add(scenario.withRules(milder));
      }
    }
    strategies(scenario.strategy()).forEach(strategy -> candidates.add(scenario.withStrategy(strategy)));
    if (!scenario.retry().equals(RetryPolicy.none())) {
      candidates.add(scenario.withRetry(RetryPolicy.none()));
      if (scenario.retry().jitter() != 0.0) {
        RetryPolicy retry = scenario.retry();
        candidates.add(scenario.withRetry(new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(),
            retry.maxBackoff(), 0.0)));
      }
    }
    TimeoutPolicy timeouts = scenario.timeouts();
    if (timeouts.isScaled()) {
      candidates.add(scenario.withTimeouts(TimeoutPolicy.fixed(timeouts.queryTimeout(), timeouts.deadline()),
          scenario.requestDeadline()));
    }
    if (scenario.requestDeadline().isPresent()) {
      candidates.add(scenario.withTimeouts(timeouts.withDeadline(scenario.requestDeadline().get()), Optional.empty()));
    }
    if (scenario.maxGames() > 1) {
      candidates.add(scenario.withWindow(scenario.lookbackDays(), Math.max(1, scenario.maxGames() / 2)));
    }
    if (scenario.lookbackDays() > 1) {
      candidates.add(scenario.withWindow(Math.max(1, scenario.lookbackDays() / 2), scenario.maxGames()));
    }
    return candidates.stream();
  }

  private static List<Strategy> strategies(Strategy strategy) {
    List<Strategy> simpler = new ArrayList<>();
    if (strategy instanceof Strategy.Fallback fallback) {
      simpler.addAll(fallback.stages());
      if (fallback.stages().size() == 3) {
        List<Strategy> stages = fallback.stages();
        simpler.add(Strategy.fallback(stages.get(0), stages.get(1)));
        simpler.add(Strategy.fallback(stages.get(0), stages.get(2)));
        simpler.add(Strategy.fallback(stages.get(1), stages.get(2)));
      }
    } else if (strategy instanceof Strategy.Chunked chunked) {
      if (chunked.parallelism() > 1) {
        simpler.add(Strategy.chunked(chunked.chunkSize(), 1));
      }
      simpler.add(Strategy.batch());
    } else if (strategy instanceof Strategy.PerPlayer perPlayer) {
      if (perPlayer.parallelism() > 1) {
        simpler.add(Strategy.perPlayer(1));
      }
    } else if (strategy instanceof Strategy.Adaptive adaptive) {
      if (adaptive.parallelism() > 1) {
        simpler.add(Strategy.adaptive(adaptive.initialChunkSize(), 1));
      }
      if (adaptive.initialChunkSize() != 0) {
        simpler.add(Strategy.adaptive(0, adaptive.parallelism()));
      }
    }
    return simpler;
  }
}
