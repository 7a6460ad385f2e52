package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The top-level command: version, help, and what happens without a command. */
class HglTest {

  @Test
  void hgl_version() {
    HglRunner.Result result = hgl("--version");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).matches("hgl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?" + System.lineSeparator());
  }

  @Test
  void hgl_versionIsTheVersionBeingBuilt() {
    String built = System.getProperty("hgl.build.version");
    assertThat(built).as("the build's version (surefire sets hgl.build.version)").isNotBlank();

    assertThat(hgl("--version").out()).isEqualTo("hgl " + built + System.lineSeparator());
    assertThat(hgl("-V").out()).isEqualTo("hgl " + built + System.lineSeparator());
  }

  @Test
  void hgl_helpListsEveryCommand() {
    HglRunner.Result result = hgl("--help");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).startsWith("Usage: hgl [-hV] COMMAND").contains("  load ", "  backfill ", "  seed ", "  explain ", "  bench ");
  }

  @Test
  void load_help() {
    HglRunner.Result result = hgl("load", "--help");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).contains("--players=N", "--players-file=FILE", "--format=text|json", "--set=KEY=VALUE",
        "--config=FILE", "--date=YYYY-MM-DD", "--verbose", "Exit codes: 0 all players loaded, 3 some failed");
  }

  @Test
  void hgl_withoutCommand() {
    HglRunner.Result result = hgl();

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_USAGE);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("Usage: hgl [-hV] COMMAND")
        .endsWith("hgl: missing command: one of load, backfill, seed, explain, bench, compare; see 'hgl --help'" + System.lineSeparator());
  }
}
