package dev.gamehistory.loader.internal.engine;

import java.util.List;

/** Players to query together, and which try this is for them. */
record Task(List<String> players, int attempt) {
  Task {
    players = List.copyOf(players);
  }
}
