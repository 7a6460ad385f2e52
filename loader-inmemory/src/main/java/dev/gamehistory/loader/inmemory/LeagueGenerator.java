package dev.gamehistory.loader.inmemory;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates a realistic, seeded league: the same settings give identical rows.
 *
 * <p>30 teams with real-looking abbreviations and 15 players each; per season 82 games per team
 * from late October to mid April, at most one game per team per day (back-to-backs happen). Each
 * game gives a row for every player of both teams who played. Some players change team mid-season
 * (trades), some miss stretches (injuries), some rostered players never play, and about 1% of rows
 * lack points or minutes. From season to season about one player in ten retires and is replaced
 * and some players change team. Player lookups are lowercase first and last names, unique.
 */
public final class LeagueGenerator {

  /** The teams' abbreviations. */
  public static final List<String> TEAMS = List.of(
      "ATL", "BKN", "BOS", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW", "HOU", "IND", "LAC", "LAL", "MEM",
      "MIA", "MIL", "MIN", "NOP", "NYK", "OKC", "ORL", "PHI", "PHX", "POR", "SAC", "SAS", "TOR", "UTA", "WAS");
  /** Players on each roster. */
  public static final int PLAYERS_PER_TEAM = 15;
  /** Games each team plays a season. */
  public static final int GAMES_PER_TEAM = 82;
  /** The most seasons one league may span. */
  public static final int MAX_SEASONS = 10;
  /** The default first season's starting year: 2021, the 2021-22 season. */
  public static final int DEFAULT_FIRST_SEASON = 2021;

  private static final DateTimeFormatter GAME_ID_DATE = DateTimeFormatter.BASIC_ISO_DATE;

  private final long seed;
  private final int seasons;
  private final int firstSeason;

  private LeagueGenerator(Builder builder) {
    this.seed = builder.seed;
    this.seasons = builder.seasons;
    this.firstSeason = builder.firstSeason;
  }

  /** A builder: seed 42, one season, starting 2021-22. */
  public static Builder builder() {
    return new Builder();
  }

  /** The league of {@code seasons} seasons from 2021-22 generated from {@code seed}. */
  public static League generate(long seed, int seasons) {
    return builder().seed(seed).seasons(seasons).build().generate();
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** How many seasons. */
  public int seasons() {
    return seasons;
  }

  /** The first season's starting year. */
  public int firstSeason() {
    return firstSeason;
  }

  /** Generates the league; the same generator always gives an equal league. */
  public League generate() {
    return new Simulation(new SplittableRandom(seed)).run();
  }

  /** A player: skill decides points and minutes; some never play. */
  private record Player(String lookup, double points, double minutes, boolean neverPlays) {}

  /** A scheduled game, {@code day} counted from the season's first day. */
  private record Game(int day, String away, String home) {}

  /** A trade on {@code day}: the players in the given roster slots of two teams swap. */
  private record Trade(int day, String teamA, int slotA, String teamB, int slotB) {}

  private final class Simulation {
    private final SplittableRandom random;
    private final Names names = new Names();
    private final Map<String, List<Player>> rosters = new HashMap<>();
    private final Set<String> everyone = new LinkedHashSet<>();
    private final List<GameRow> rows = new ArrayList<>();
    private final List<League.Season> seasonList = new ArrayList<>();
    private final Map<LocalDate, Set<String>> slates = new HashMap<>();

    Simulation(SplittableRandom random) {
      this.random = random;
    }

    League run() {
      for (String team : TEAMS) {
        List<Player> roster = new ArrayList<>();
        for (int slot = 0; slot < PLAYERS_PER_TEAM; slot++) {
          roster.add(newPlayer(slot == PLAYERS_PER_TEAM - 1 ? 0.5 : 0.0));
        }
        rosters.put(team, roster);
      }
      for (int season = 0; season < seasons; season++) {
        if (season > 0) {
          offseason();
        }
        playSeason(firstSeason + season);
      }
      return new League(seed, rows, everyone, TEAMS, seasonList, slates);
    }

    private Player newPlayer(double neverPlays) {
      double points = 2 + 26 * Math.pow(random.nextDouble(), 1.6);
      double minutes = Math.min(38, 8 + points * 1.1 + random.nextDouble() * 6);
      Player player = new Player(names.next(random), points, minutes, random.nextDouble() < neverPlays);
      everyone.add(player.lookup());
      return player;
    }

    private void offseason() {
      for (List<Player> roster : rosters.values()) {
        roster.replaceAll(player -> random.nextDouble() < 0.1 ? newPlayer(0.04) : player);
      }
      for (int i = 0; i < 25; i++) {
        swap(TEAMS.get(random.nextInt(TEAMS.size())), random.nextInt(PLAYERS_PER_TEAM),
            TEAMS.get(random.nextInt(TEAMS.size())), random.nextInt(PLAYERS_PER_TEAM));
      }
    }

    private void swap(String teamA, int slotA, String teamB, int slotB) {
      List<Player> a = rosters.get(teamA);
      List<Player> b = rosters.get(teamB);
      Player moving = a.get(slotA);
      a.set(slotA, b.get(slotB));
      b.set(slotB, moving);
    }

    private void playSeason(int year) {
      LocalDate start = LocalDate.of(year, 10, 18).with(TemporalAdjusters.nextOrSame(DayOfWeek.TUESDAY));
      int days = (int) ChronoUnit.DAYS.between(start, LocalDate.of(year + 1, 4, 14)) + 1;
      List<Game> games = schedule(days);
      List<Trade> trades = trades(days);
      Map<String, int[]> injuries = injuries(days);
      int nextTrade = 0;
      for (Game game : games) {
        while (nextTrade < trades.size() && trades.get(nextTrade).day() <= game.day()) {
          Trade trade = trades.get(nextTrade++);
          swap(trade.teamA(), trade.slotA(), trade.teamB(), trade.slotB());
        }
        LocalDate date = start.plusDays(game.day());
        String gameId = GAME_ID_DATE.format(date) + "_" + game.away() + "_" + game.home();
        play(date, game.day(), game.away(), game.home(), gameId, injuries);
        play(date, game.day(), game.home(), game.away(), gameId, injuries);
      }
      LocalDate last = start.plusDays(games.get(games.size() - 1).day());
      seasonList.add(new League.Season(year + "-" + String.format("%02d", (year + 1) % 100), start, last));
    }

    private void play(LocalDate date, int day, String team, String opponent, String gameId, Map<String, int[]> injuries) {
      Set<String> slate = slates.computeIfAbsent(date, d -> new HashSet<>());
      List<Player> roster = rosters.get(team);
      for (int slot = 0; slot < roster.size(); slot++) {
        Player player = roster.get(slot);
        slate.add(player.lookup());
        int[] injury = injuries.get(player.lookup());
        boolean injured = injury != null && day >= injury[0] && day < injury[1];
        double plays = slot < 10 ? 0.97 : slot < 13 ? 0.6 : 0.3;
        if (player.neverPlays() || injured || random.nextDouble() >= plays) {
          continue;
        }
        double minutes = Math.max(1, Math.min(48, player.minutes() + random.nextGaussian() * 4));
        int points = (int) Math.max(0, Math.round(player.points() * (minutes / player.minutes())
            + random.nextGaussian() * player.points() * 0.3));
        Integer shownPoints = random.nextDouble() < 0.01 ? null : points;
        BigDecimal shownMinutes = random.nextDouble() < 0.01 ? null : BigDecimal.valueOf(Math.round(minutes * 10), 1);
        rows.add(new GameRow(player.lookup(), date, opponent, shownPoints, shownMinutes, team, gameId));
      }
    }

    /** 82 rounds in which every team plays once, spread over the season's days, sorted by day. */
    private List<Game> schedule(int days) {
      List<List<String[]>> rounds = new ArrayList<>();
      while (rounds.size() < GAMES_PER_TEAM) {
        for (List<String[]> round : roundRobin()) {
          if (rounds.size() < GAMES_PER_TEAM) {
            rounds.add(round);
          }
        }
      }
      shuffle(rounds);
      double spacing = (days - 3) / (double) GAMES_PER_TEAM;
      Map<String, Integer> lastDay = new HashMap<>();
      List<Game> games = new ArrayList<>();
      for (int r = 0; r < rounds.size(); r++) {
        List<String[]> round = new ArrayList<>(rounds.get(r));
        shuffle(round);
        for (String[] pair : round) {
          int day = (int) (r * spacing + random.nextDouble() * spacing);
          day = Math.max(day, lastDay.getOrDefault(pair[0], -1) + 1);
          day = Math.max(day, lastDay.getOrDefault(pair[1], -1) + 1);
          lastDay.put(pair[0], day);
          lastDay.put(pair[1], day);
          boolean swapSides = random.nextBoolean();
          games.add(new Game(day, swapSides ? pair[1] : pair[0], swapSides ? pair[0] : pair[1]));
        }
      }
      games.sort(Comparator.comparingInt(Game::day));
      return games;
    }

    /** The 29 rounds of a single round robin (circle method) over the teams in a random order. */
    private List<List<String[]>> roundRobin() {
      List<String> order = new ArrayList<>(TEAMS);
      shuffle(order);
      int n = order.size();
      List<List<String[]>> rounds = new ArrayList<>();
      for (int round = 0; round < n - 1; round++) {
        List<String[]> games = new ArrayList<>();
        for (int i = 0; i < n / 2; i++) {
          int a = i == 0 ? 0 : 1 + (round + i - 1) % (n - 1);
          int b = 1 + (round + n - 1 - i - 1) % (n - 1);
          games.add(new String[] {order.get(a), order.get(b)});
        }
        rounds.add(games);
      }
      return rounds;
    }

    private List<Trade> trades(int days) {
      int count = 6 + random.nextInt(6);
      List<Trade> trades = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int day = (int) (days * (0.3 + 0.35 * random.nextDouble()));
        String a = TEAMS.get(random.nextInt(TEAMS.size()));
        String b = TEAMS.get(random.nextInt(TEAMS.size()));
        if (!a.equals(b)) {
          trades.add(new Trade(day, a, random.nextInt(PLAYERS_PER_TEAM), b, random.nextInt(PLAYERS_PER_TEAM)));
        }
      }
      trades.sort(Comparator.comparingInt(Trade::day));
      return trades;
    }

    /** For about a third of the players, one stretch of days [from, to) they miss. */
    private Map<String, int[]> injuries(int days) {
      Map<String, int[]> injuries = new HashMap<>();
      for (String team : TEAMS) {
        for (Player player : rosters.get(team)) {
          if (random.nextDouble() < 0.35) {
            int from = random.nextInt(days);
            injuries.put(player.lookup(), new int[] {from, from + 5 + random.nextInt(36)});
          }
        }
      }
      return injuries;
    }

    private <T> void shuffle(List<T> list) {
      for (int i = list.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        T moving = list.get(i);
        list.set(i, list.get(j));
        list.set(j, moving);
      }
    }
  }

  /** Builds a {@link LeagueGenerator}. */
  public static final class Builder {
    private long seed = 42;
    private int seasons = 1;
    private int firstSeason = DEFAULT_FIRST_SEASON;

    private Builder() {}

    /** The seed; default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How many consecutive seasons, 1..10; default 1. */
    public Builder seasons(int seasons) {
      if (seasons < 1 || seasons > MAX_SEASONS) {
        throw new IllegalArgumentException("seasons must be between 1 and " + MAX_SEASONS + " but was " + seasons);
      }
      this.seasons = seasons;
      return this;
    }

    /** The first season's starting year, 1950..2100; default 2021 (the 2021-22 season). */
    public Builder firstSeason(int year) {
      if (year < 1950 || year > 2100) {
        throw new IllegalArgumentException("firstSeason must be between 1950 and 2100 but was " + year);
      }
      this.firstSeason = year;
      return this;
    }

    /** The generator. */
    public LeagueGenerator build() {
      return new LeagueGenerator(this);
    }
  }

  @Override
  public String toString() {
    return "LeagueGenerator{seed=" + seed + ", seasons=" + seasons + ", firstSeason=" + firstSeason + "}";
  }
}
