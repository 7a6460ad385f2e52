package dev.gamehistory.loader.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeagueGeneratorTest {

  private static League one;
  private static League three;

  @BeforeAll
  static void generate() {
    one = LeagueGenerator.generate(42, 1);
    three = LeagueGenerator.builder().seed(42).seasons(3).build().generate();
  }

  @Test
  void generate_sameSeed_givesIdenticalRows() {
    assertThat(LeagueGenerator.generate(42, 1).rows()).isEqualTo(one.rows());
    assertThat(LeagueGenerator.generate(43, 1).rows()).isNotEqualTo(one.rows());
  }

  @Test
  void generate_defaultSeasons_startWith2021To22() {
    assertThat(three.seasons()).extracting(League.Season::label).containsExactly("2021-22", "2022-23", "2023-24");
    for (League.Season season : three.seasons()) {
      assertThat(season.firstDay().getMonth()).isEqualTo(Month.OCTOBER);
      assertThat(season.lastDay().getMonth()).isEqualTo(Month.APRIL);
    }
    assertThat(three.firstDay()).isEqualTo(LocalDate.of(2021, 10, 19));
    List<GameRow> outside = three.rows().stream()
        .filter(row -> three.seasons().stream().noneMatch(season -> season.contains(row.gameDate())))
        .toList();
    assertThat(outside).isEmpty();
  }

  @Test
  void generate_everyTeamPlays82GamesASeasonAtMostOnceADay() {
    for (League.Season season : three.seasons()) {
      Map<String, Set<String>> games = new HashMap<>();
      Map<String, Set<LocalDate>> days = new HashMap<>();
      Map<String, Set<String>> gamesPerDay = new HashMap<>();
      for (GameRow row : three.rows()) {
        if (season.contains(row.gameDate())) {
          games.computeIfAbsent(row.teamAbbr(), t -> new HashSet<>()).add(row.gameId());
          days.computeIfAbsent(row.teamAbbr(), t -> new HashSet<>()).add(row.gameDate());
          gamesPerDay.computeIfAbsent(row.teamAbbr() + row.gameDate(), t -> new HashSet<>()).add(row.gameId());
        }
      }
      assertThat(games).hasSize(30);
      assertThat(games.values()).allSatisfy(teamGames -> assertThat(teamGames).hasSize(82));
      assertThat(days.values()).allSatisfy(teamDays -> assertThat(teamDays).hasSize(82));
      assertThat(gamesPerDay.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
    }
    assertThat(three.teams()).hasSize(30).isSorted().allMatch(team -> team.matches("[A-Z]{3}"));
  }

  @Test
  void generate_backToBacksHappen() {
    Map<String, TreeSet<LocalDate>> days = new HashMap<>();
    one.rows().forEach(row -> days.computeIfAbsent(row.teamAbbr(), t -> new TreeSet<>()).add(row.gameDate()));

    long backToBacks = days.values().stream()
        .mapToLong(dates -> dates.stream().filter(d -> dates.contains(d.plusDays(1))).count())
        .sum();

    assertThat(backToBacks).isGreaterThan(100);
  }

  @Test
  void generate_oneSeason_has450RosteredPlayersWithUniqueProductionLikeLookups() {
    assertThat(one.players()).hasSize(450).doesNotHaveDuplicates().isSorted()
        .allMatch(lookup -> lookup.matches("[a-z]{4,}"));
    assertThat(three.players()).hasSizeGreaterThan(450).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void generate_eachGameGivesRowsForBothTeams() {
    Map<String, Set<String>> teamsPerGame = new HashMap<>();
    Map<String, Integer> rowsPerGame = new HashMap<>();
    for (GameRow row : one.rows()) {
      teamsPerGame.computeIfAbsent(row.gameId(), g -> new HashSet<>()).add(row.teamAbbr());
      rowsPerGame.merge(row.gameId(), 1, Integer::sum);
    }
    assertThat(one.rows()).noneMatch(row -> row.opponentTeamAbbr().equals(row.teamAbbr()));
    assertThat(teamsPerGame).hasSize(30 * 82 / 2);
    assertThat(teamsPerGame.values()).allSatisfy(teams -> assertThat(teams).hasSize(2));
    assertThat(rowsPerGame.values()).allSatisfy(rows -> assertThat(rows).isBetween(14, 30));
  }

  @Test
  void generate_playersPlayAtMostOnceADay() {
    Set<String> playerDays = new HashSet<>();
    List<GameRow> twice = three.rows().stream()
        .filter(row -> !playerDays.add(row.playerLookup() + "@" + row.gameDate()))
        .toList();

    assertThat(twice).isEmpty();
  }

  @Test
  void generate_somePlayersChangeTeamMidSeason() {
    Map<String, Set<String>> teams = new HashMap<>();
    one.rows().forEach(row -> teams.computeIfAbsent(row.playerLookup(), p -> new HashSet<>()).add(row.teamAbbr()));

    assertThat(teams.values().stream().filter(t -> t.size() > 1).count()).isBetween(3L, 30L);
  }

  @Test
  void generate_somePlayersMissStretches() {
    int gaps = 0;
    for (String player : one.players()) {
      List<GameRow> rows = one.rowsOf(player);
      for (int i = 1; i < rows.size(); i++) {
        if (ChronoUnit.DAYS.between(rows.get(i - 1).gameDate(), rows.get(i).gameDate()) > 14) {
          gaps++;
          break;
        }
      }
    }

    assertThat(gaps).isGreaterThan(50);
  }

  @Test
  void generate_someRosteredPlayersNeverPlay() {
    assertThat(one.playersWithoutGames()).isNotEmpty().isSubsetOf(one.players())
        .allSatisfy(player -> assertThat(one.rowsOf(player)).isEmpty());
    assertThat(three.playersWithoutGames()).isNotEmpty();
  }

  @Test
  void generate_someRowsLackPointsOrMinutes() {
    long withoutPoints = one.rows().stream().filter(row -> row.points() == null).count();
    long withoutMinutes = one.rows().stream().filter(row -> row.minutesPlayed() == null).count();

    assertThat(withoutPoints).isBetween(one.rows().size() / 200L, one.rows().size() / 50L);
    assertThat(withoutMinutes).isBetween(one.rows().size() / 200L, one.rows().size() / 50L);
    assertThat(one.rows()).allMatch(row -> row.minutesPlayed() == null || row.minutesPlayed().scale() == 1);
  }

  @Test
  void generate_gameNightsLookLikeProduction() {
    Map<LocalDate, Long> rowsPerNight = one.rows().stream()
        .collect(Collectors.groupingBy(GameRow::gameDate, Collectors.counting()));
    double average = rowsPerNight.values().stream().mapToLong(Long::longValue).average().orElseThrow();

    assertThat(rowsPerNight.size()).isBetween(150, 180);
    assertThat(average).isBetween(120.0, 250.0);
    assertThat(one.rows()).hasSizeBetween(25_000, 40_000);
  }

  @Test
  void slate_holdsTheRostersOfTheTeamsPlayingThatDay() {
    LocalDate date = one.pickGameDate(9);
    Set<String> played = new HashSet<>();
    Set<String> teams = new HashSet<>();
    one.rows().stream().filter(row -> row.gameDate().equals(date)).forEach(row -> {
      played.add(row.playerLookup());
      teams.add(row.teamAbbr());
    });

    assertThat(one.slate(date)).containsAll(played).hasSize(teams.size() * LeagueGenerator.PLAYERS_PER_TEAM).isSorted();
    assertThat(one.slate(one.firstDay().minusDays(1))).isEmpty();
  }

  @Test
  void pickGameDate_isSeededAndLiesWellInsideASeason() {
    List<LocalDate> picked = new ArrayList<>();
    for (long seed = 0; seed < 50; seed++) {
      LocalDate date = three.pickGameDate(seed);
      picked.add(date);
      assertThat(three.gameDates()).contains(date);
      assertThat(three.seasons()).anySatisfy(season -> {
        assertThat(season.contains(date)).isTrue();
        assertThat(date).isAfter(season.firstDay().plusDays(45));
      });
    }
    assertThat(three.pickGameDate(7)).isEqualTo(picked.get(7));
    assertThat(new HashSet<>(picked)).hasSizeGreaterThan(30);
  }

  @Test
  void builder_badArguments_areRejectedNamingTheValue() {
    assertThatThrownBy(() -> LeagueGenerator.builder().seasons(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seasons must be between 1 and 10 but was 0");
    assertThatThrownBy(() -> LeagueGenerator.builder().seasons(11))
        .hasMessage("seasons must be between 1 and 10 but was 11");
    assertThatThrownBy(() -> LeagueGenerator.builder().firstSeason(1800))
        .hasMessage("firstSeason must be between 1950 and 2100 but was 1800");
  }

  @Test
  void builder_firstSeason_movesTheDates() {
    League later = LeagueGenerator.builder().firstSeason(2023).build().generate();

    assertThat(later.seasons()).extracting(League.Season::label).containsExactly("2023-24");
    assertThat(later.firstDay()).isEqualTo(LocalDate.of(2023, 10, 24));
  }
}
