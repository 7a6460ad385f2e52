package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code hgl seed} where no BigQuery answers: one line, exit 1. (Seeding itself runs against the emulator.) */
class SeedCommandTest {

  @Test
  void seed_unreachableBigQuery() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    HglRunner.Result result = hgl("seed", "--set", "backend=bigquery", "--set", "bigquery.project=test",
        "--set", "bigquery.host=http://127.0.0.1:" + closedPort, "--set", "bigquery.table=test.hgl.games");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_ERROR);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("hgl: error: ").endsWith(" (--verbose shows the stack trace)"
        + System.lineSeparator());
    assertThat(result.err().lines()).hasSize(1);
  }
}
